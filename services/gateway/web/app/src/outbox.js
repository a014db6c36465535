// Offline first: every write goes through this queue, kept in IndexedDB.
// Each entry carries its request_id, so sending it again (a retry, a second
// tab, a sync that lost its answer) never records twice: the service
// answers a known request_id with the first answer. Entries belong to the
// account that made them and are sent only while that account is signed in.
// A refusal that may pass later (the session expired, a service down or
// busy) leaves the entry pending; only the service's own "no" (invalid,
// stale, not allowed) marks it refused, with the fields named. A newer
// write of the same thing (the same form saved again) replaces a pending
// one, so the two never race on one etag. Drafts of forms live here too.
import { api, ApiError, OfflineError } from './api.js';

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
    t.onabort = () => reject(t.error || new Error('IndexedDB transaction aborted'));
  });
}
const wrap = (req) => new Promise((resolve, reject) => { req.onsuccess = () => resolve(req.result); req.onerror = () => reject(req.error); });

const listeners = new Set();
export function onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }
const changed = () => listeners.forEach((fn) => fn());

// The signed-in account (whoami's subject); entries of others wait.
let account = '';
export const status = { needsSignIn: false };
export function setAccount(subject) {
  account = subject || '';
  status.needsSignIn = false;
  changed();
  if (account) flush();
}

export async function entries() {
  const all = await tx('outbox', 'readonly', (s) => wrap(s.getAll()));
  return all.filter((e) => e.account === account).sort((a, b) => a.created - b.created);
}

// HTTP statuses after which the same request may well pass later.
const TRANSIENT = new Set([401, 408, 425, 429, 499, 500, 502, 503, 504]);

// Queues a write and tries to send it at once. `subject` groups entries for
// a page (e.g. "meeting:<id>"); `body` must hold requestId.
export async function enqueue({ subject, label, method = 'POST', path, body }) {
  const entry = { requestId: body.requestId, account, subject, label, method, path, body, state: 'pending',
                  created: Date.now(), error: null, response: null };
  await tx('outbox', 'readwrite', async (s) => {
    for (const old of await wrap(s.getAll())) {
      if (old.account === account && old.state === 'pending' && old.subject === subject && old.path === path &&
          old.requestId !== entry.requestId && !old.sending) {
        s.delete(old.requestId);  // superseded by this newer write of the same form
      }
    }
    s.put(entry);
  });
  changed();
  await flush();
  return get(entry.requestId);
}

export const get = (requestId) => tx('outbox', 'readonly', (s) => wrap(s.get(requestId)));

let flushing = null;
let again = false;
// Sends every pending entry of the account in order; stops at the first
// network failure, and runs again for entries queued meanwhile.
export function flush() {
  if (flushing) { again = true; return flushing; }
  flushing = (async () => {
    try {
      do {
        again = false;
        for (const e of await entries()) {
          if (e.state !== 'pending' || !account) continue;
          let next;
          try {
            const response = await api(e.path, { method: e.method, body: e.body });
            next = { ...e, state: 'synced', response, error: null };
          } catch (err) {
            if (err instanceof OfflineError) return;
            const error = { status: err.status, code: err.code, message: err.message, fieldViolations: err.fieldViolations };
            if (err instanceof ApiError && TRANSIENT.has(err.status)) {
              if (err.status === 401) status.needsSignIn = true;
              await keep({ ...e, error });
              changed();
              return;  // try again later, in order
            }
            next = { ...e, state: 'refused', error };
          }
          next.done = Date.now();
          await keep(next);
          if (next.state === 'synced' && next.response && next.response.etag && e.body.etag) {
            await rebase(e, next.response.etag);
          }
          changed();
        }
      } while (again);
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

// Later writes of the same thing were made on the state this one changed:
// they carry its new etag (a record, then the approval of those minutes).
async function rebase(sent, etag) {
  await tx('outbox', 'readwrite', async (s) => {
    for (const later of await wrap(s.getAll())) {
      if (later.account === sent.account && later.state === 'pending' && later.subject === sent.subject &&
          later.created > sent.created && later.body.etag === sent.body.etag) {
        s.put({ ...later, body: { ...later.body, etag } });
      }
    }
  });
}

// Writes an entry back only if it is still there (sign-out may have cleared it).
async function keep(e) {
  await tx('outbox', 'readwrite', async (s) => { if (await wrap(s.get(e.requestId))) s.put(e); });
}

export async function forget(requestId) {
  await tx('outbox', 'readwrite', (s) => s.delete(requestId));
  changed();
}

export async function pendingCount() {
  return (await entries()).filter((e) => e.state === 'pending').length;
}

const draftKey = (key) => `${account}|${key}`;
export async function saveDraft(key, value) { await tx('drafts', 'readwrite', (s) => s.put(value, draftKey(key))); }
export async function loadDraft(key) { return tx('drafts', 'readonly', (s) => wrap(s.get(draftKey(key)))); }
export async function dropDraft(key) { await tx('drafts', 'readwrite', (s) => s.delete(draftKey(key))); }

// The service worker's cache of API answers (sw.js): another person's data.
export const API_CACHE = 'chibo-api-v1';

// Signing out leaves nothing of this person's on the device: their outbox,
// drafts and cached answers (the app's own files stay, for the next one).
export async function clearAccount() {
  await tx('outbox', 'readwrite', async (s) => {
    for (const e of await wrap(s.getAll())) if (e.account === account) s.delete(e.requestId);
  });
  await tx('drafts', 'readwrite', async (s) => {
    for (const k of await wrap(s.getAllKeys())) if (String(k).startsWith(`${account}|`)) s.delete(k);
  });
  if (window.caches) await caches.delete(API_CACHE);
  account = '';
  changed();
}

window.addEventListener('online', () => flush());
setInterval(() => { if (navigator.onLine) flush(); }, 15000);
