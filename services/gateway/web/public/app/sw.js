// chibo's service worker (scope /app/): the app opens with no network.
// Two caches: the app's own files (the shell: /app/ and the content-hashed
// /assets/, filled by the page too, see main.jsx) and the last answer of
// each API read, dropped at sign-out and when another person signs in.
// Pages: network first, else the shell. Assets: cache first. API reads:
// network first, else the last answer (a secretary in a highland cell still
// sees her roster). whoami and the session are never cached; writes never
// touch the cache — they wait in the page's outbox (IndexedDB).
const SHELL = 'chibo-shell-v1';
const API = 'chibo-api-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(['/app/'])).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const k of await caches.keys()) if (k !== SHELL && k !== API) await caches.delete(k);
    await self.clients.claim();
  })());
});

async function networkFirst(cacheName, request, key) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(key || request, response.clone());
    return response;
  } catch (e) {
    const cached = await cache.match(key || request);
    if (cached) return cached;
    throw e;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL);
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
    event.respondWith(networkFirst(SHELL, request, '/app/'));
  } else if (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg') {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname.startsWith('/api/') && url.pathname !== '/api/v1/session' && url.pathname !== '/api/v1/whoami') {
    event.respondWith(networkFirst(API, request));
  }
});
