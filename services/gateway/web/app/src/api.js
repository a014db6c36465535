// Calls to the gateway's HTTP/JSON API (transcoded from the protos): the
// session cookie signs them in, writes carry the CSRF header, and an error
// is an ApiError with the gRPC code and the violated fields.

export class ApiError extends Error {
  constructor(status, body) {
    super(body.message || `HTTP ${status}`);
    this.status = status;
    this.code = body.code || 'UNKNOWN';
    this.fieldViolations = body.fieldViolations || [];
  }
}

// The network is down (or the gateway unreachable): the write stays queued.
export class OfflineError extends Error {}

export function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)chibo_csrf=([^;]*)/);
  return m ? decodeURIComponent(m[1]) : '';
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken();
  let res;
  try {
    // A connection that hangs (a weak mobile signal) counts as offline.
    res = await fetch(path, { method, headers, credentials: 'same-origin', signal: AbortSignal.timeout(20000),
                              body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new OfflineError(String(e));
  }
  const text = await res.text();
  let json = {};
  try { json = text ? JSON.parse(text) : {}; } catch { json = { message: text }; }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export const query = (params) =>
  Object.entries(params).filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

export function newRequestId() {
  return crypto.randomUUID ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
