// What every view of the app shares: routing (each view its own URL),
// who is signed in, the network state, loading from the API, errors.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, OfflineError } from './api.js';
import { t } from './i18n.js';
import * as outbox from './outbox.js';
import { signal } from './signal.js';

// ------------------------------------------------------------ routing

export const path = signal(location.pathname);
export function go(to) {
  if (to !== location.pathname + location.search) history.pushState(null, '', to);
  path.set(location.pathname);
  window.scrollTo(0, 0);
}
window.addEventListener('popstate', () => path.set(location.pathname));
// Links inside the app change the view without reloading.
document.addEventListener('click', (e) => {
  const a = e.target.closest && e.target.closest('a[href^="/app/"]');
  if (!a || e.metaKey || e.ctrlKey || e.shiftKey || a.target) return;
  e.preventDefault();
  go(a.getAttribute('href'));
});

export function useSignal(s) {
  const [, setTick] = useState(0);
  useEffect(() => s.subscribe(() => setTick((n) => n + 1)), [s]);
  return s.get();
}

export const online = signal(navigator.onLine);
window.addEventListener('online', () => online.set(true));
window.addEventListener('offline', () => online.set(false));

// Who is signed in (whoami), or null before it is known.
export const me = signal(null);

// ------------------------------------------------------------ shared views

export function useApi(url, deps = []) {
  const [state, setState] = useState({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    if (!url) { setState({}); return undefined; }
    setState((s) => ({ ...s, loading: true }));
    api(url).then((data) => live && setState({ data }), (error) => live && setState({ error }));
    return () => { live = false; };
  }, [url, tick, ...deps]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

export function Problem({ error }) {
  if (!error) return null;
  if (error instanceof ApiError && error.status === 401) {
    go('/app/login');
    return null;
  }
  const text = error instanceof ApiError && error.status === 404 ? t('notFound')
    : error instanceof ApiError && error.status === 403 ? t('forbidden')
      : error instanceof OfflineError ? t('offlineBanner') : error.message;
  return <p class="problem" role="alert">{text}</p>;
}


// The outbox entry of the last write a form made, kept up to date (pending,
// then synced or refused) as the outbox sends it.
export function useOutboxEntry() {
  const [requestId, setRequestId] = useState(null);
  const [entry, setEntry] = useState(null);
  useEffect(() => {
    if (!requestId) return undefined;
    const look = () => outbox.get(requestId).then((e) => setEntry(e || null));
    look();
    return outbox.onChange(look);
  }, [requestId]);
  return [entry, (e) => { setEntry(e); setRequestId(e ? e.requestId : null); }];
}
