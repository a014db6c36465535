// chibo's service worker (scope /app/): the app opens with no network.
// Pages: network first, else the cached shell. Built files (/assets/, named
// by their content): cache first. API reads: network first, else the last
// answer seen (so a secretary in a highland cell still sees her roster);
// writes never touch the cache — they wait in the page's outbox (IndexedDB).
const CACHE = 'chibo-app-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(['/app/'])).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const k of await caches.keys()) if (k !== CACHE) await caches.delete(k);
    await self.clients.claim();
  })());
});

async function networkFirst(request, fallback) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(fallback || request, response.clone());
    return response;
  } catch (e) {
    const cached = await cache.match(fallback || request);
    if (cached) return cached;
    throw e;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && url.pathname.startsWith('/app/')) {
    event.respondWith(networkFirst(request, '/app/'));
  } else if (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg') {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname.startsWith('/api/') && url.pathname !== '/api/v1/session') {
    event.respondWith(networkFirst(request));
  }
});
