// A value the page re-renders on (the language; the network state).
export function signal(value) {
  const subs = new Set();
  return {
    get: () => value,
    set(v) { value = v; subs.forEach((fn) => fn(v)); },
    subscribe(fn) { subs.add(fn); return () => subs.delete(fn); },
  };
}
