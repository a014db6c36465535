// Offline first: every write goes through this queue, kept in IndexedDB.
// Each entry carries its request_id, so sending it again (a retry, a second
// tab, a sync that lost its answer) never records twice: the service
// answers a known request_id with the first answer. The page shows what is
// pending, what synced and what was refused (with the fields named).
// Drafts of forms live here too, so a reload or a closed tab loses nothing.
import { api, OfflineError } from './api.js';

const DB = 'chibo';
let dbPromise;
function db() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore('outbox', { keyPath: 'requestId' });
        req.result.createObjectStore('drafts');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return dbPromise;
}

async function tx(store, mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction(store, mode);
    let out;
    Promise.resolve(fn(t.objectStore(store))).then((v) => { out = v; });
    t.oncomplete = () => resolve(out);
    t.onerror = () => reject(t.error);
  });
}
const wrap = (req) => new Promise((resolve, reject) => { req.onsuccess = () => resolve(req.result); req.onerror = () => reject(req.error); });

const listeners = new Set();
export function onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }
const changed = () => listeners.forEach((fn) => fn());

export async function entries() {
  const all = await tx('outbox', 'readonly', (s) => wrap(s.getAll()));
  return all.sort((a, b) => a.created - b.created);
}

// Queues a write and tries to send it at once. `subject` groups entries for
// a page (e.g. "meeting:<id>"); `body` must hold requestId.
export async function enqueue({ subject, label, method = 'POST', path, body }) {
  const entry = { requestId: body.requestId, subject, label, method, path, body, state: 'pending',
                  created: Date.now(), error: null, response: null };
  await tx('outbox', 'readwrite', (s) => s.put(entry));
  changed();
  await flush();
  return (await tx('outbox', 'readonly', (s) => wrap(s.get(entry.requestId))));
}

let flushing = null;
// Sends every pending entry in order; stops at the first network failure.
export function flush() {
  if (!flushing) {
    flushing = (async () => {
      try {
        for (const e of await entries()) {
          if (e.state !== 'pending') continue;
          try {
            e.response = await api(e.path, { method: e.method, body: e.body });
            e.state = 'synced';
          } catch (err) {
            if (err instanceof OfflineError) break;
            e.state = 'refused';
            e.error = { status: err.status, code: err.code, message: err.message, fieldViolations: err.fieldViolations };
          }
          e.done = Date.now();
          await tx('outbox', 'readwrite', (s) => s.put(e));
          changed();
        }
      } finally {
        flushing = null;
      }
    })();
  }
  return flushing;
}

export async function forget(requestId) {
  await tx('outbox', 'readwrite', (s) => s.delete(requestId));
  changed();
}

export async function saveDraft(key, value) { await tx('drafts', 'readwrite', (s) => s.put(value, key)); }
export async function loadDraft(key) { return tx('drafts', 'readonly', (s) => wrap(s.get(key))); }
export async function dropDraft(key) { await tx('drafts', 'readwrite', (s) => s.delete(key)); }

// Signing out leaves nothing of this person's on the device.
export async function clearAll() {
  await tx('outbox', 'readwrite', (s) => s.clear());
  await tx('drafts', 'readwrite', (s) => s.clear());
  if (window.caches) for (const k of await caches.keys()) await caches.delete(k);
  changed();
}

window.addEventListener('online', () => flush());
setInterval(() => { if (navigator.onLine) flush(); }, 15000);
