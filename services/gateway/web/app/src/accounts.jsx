// Accounts (tài khoản) of a unit's subtree, for its admins: create one for a
// member of the roll with a role and a scope, reset a password, disable.
// A person changes their own password here too.
import { useState } from 'preact/hooks';
import { api, ApiError, newRequestId, query } from './api.js';
import { t } from './i18n.js';
import { me, Problem, useApi } from './shared.jsx';

const ROLES = ['secretary', 'supervisor', 'viewer', 'admin'];

function Violations({ error }) {
  if (!error) return null;
  return (
    <div class="problem" role="alert" data-refused>
      {error.message}
      {error instanceof ApiError && error.fieldViolations.length > 0 && (
        <ul>{error.fieldViolations.map((v) => <li key={v.field}><code>{v.field}</code>: {v.description}</li>)}</ul>
      )}
    </div>
  );
}

function NewAccount({ scope, onDone }) {
  const [f, setF] = useState({ username: '', displayName: '', role: 'secretary', scopeOrgId: scope, memberQuery: '', memberId: '', password: '' });
  const [error, setError] = useState(null);
  const [created, setCreated] = useState(null);
  const found = useApi(f.memberQuery.length >= 2
    ? `/api/v1/org-units/${encodeURIComponent(f.scopeOrgId || scope)}/members?${query({ subtree: 'true', query: f.memberQuery, page_size: 10 })}` : '');
  const set = (patch) => setF({ ...f, ...patch });
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const account = await api('/api/v1/accounts', { method: 'POST', body: {
        account: { username: f.username, displayName: f.displayName, roles: [f.role], scopeOrgId: f.scopeOrgId, memberId: f.memberId },
        password: f.password, requestId: newRequestId() } });
      setCreated(account);
      onDone();
    } catch (err) { setError(err); }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="new-account-h">
      <h2 id="new-account-h">{t('newAccount')}</h2>
      {created && <p class="notice" role="status" data-created>{t('accountCreated')}: {created.username}</p>}
      <Violations error={error} />
      <label>{t('username')}<input name="username" required pattern="[a-z0-9._-]{3,64}" value={f.username}
                                   onInput={(e) => set({ username: e.target.value })} /></label>
      <label>{t('displayName')}<input name="display_name" value={f.displayName} maxLength={100} onInput={(e) => set({ displayName: e.target.value })} /></label>
      <label>{t('role')}<select name="role" value={f.role} onChange={(e) => set({ role: e.target.value })}>
        {ROLES.map((r) => <option key={r} value={r}>{t(`role_${r}`)}</option>)}
      </select></label>
      <label>{t('scopeUnit')}<input name="scope_org_id" required value={f.scopeOrgId} onInput={(e) => set({ scopeOrgId: e.target.value.trim() })} /></label>
      <label>{t('member')}<input name="member_query" value={f.memberQuery} placeholder={t('searchMembers')}
                                 onInput={(e) => set({ memberQuery: e.target.value, memberId: '' })} /></label>
      {found.data && !f.memberId && (
        <ul class="pick">{(found.data.members || []).map((m) => (
          <li key={m.id}><button type="button" class="link" data-pick={m.id}
            onClick={() => set({ memberId: m.id, memberQuery: m.fullName, displayName: f.displayName || m.fullName })}>{m.fullName} ({m.cardNumber})</button></li>
        ))}</ul>
      )}
      {f.memberId && <p class="muted">{t('member')}: <span data-member-id>{f.memberId}</span></p>}
      <label>{t('initialPassword')}<input name="password" type="password" autocomplete="new-password" required minLength={10} value={f.password}
                                          onInput={(e) => set({ password: e.target.value })} /></label>
      <button type="submit" class="primary">{t('create')}</button>
    </form>
  );
}

function AccountRow({ account, onDone }) {
  const [error, setError] = useState(null);
  const [password, setPassword] = useState('');
  const act = async (verb, body) => {
    setError(null);
    try {
      await api(`/api/v1/accounts/${encodeURIComponent(account.id)}:${verb}`, { method: 'POST', body: { ...body, requestId: newRequestId() } });
      setPassword('');
      onDone();
    } catch (err) { setError(err); }
  };
  return (
    <li data-account={account.username}>
      <strong>{account.username}</strong> {account.displayName && `— ${account.displayName}`} · {(account.roles || []).map((r) => t(`role_${r}`)).join(', ')} · {account.scopeOrgId}
      {account.disabled && <span class="badge CANCELLED"> {t('disabled')}</span>}
      <div class="row">
        <label>{t('newPassword')}<input type="password" autocomplete="new-password" value={password} onInput={(e) => setPassword(e.target.value)} /></label>
        <span class="actions">
          <button class="secondary" disabled={password.length < 10} onClick={() => act('resetPassword', { newPassword: password })}>{t('resetPassword')}</button>
          <button class="secondary" onClick={() => act('setDisabled', { disabled: !account.disabled })}>{account.disabled ? t('enable') : t('disable')}</button>
        </span>
      </div>
      <Violations error={error} />
    </li>
  );
}

function OwnPassword() {
  const [f, setF] = useState({ oldPassword: '', newPassword: '' });
  const [state, setState] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    try {
      await api('/api/v1/account:changePassword', { method: 'POST', body: { ...f, requestId: newRequestId() } });
      setState({ ok: true });
      setF({ oldPassword: '', newPassword: '' });
    } catch (err) { setState({ error: err }); }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="own-h">
      <h2 id="own-h">{t('changePassword')}</h2>
      {state && state.ok && <p class="notice" role="status">{t('passwordChanged')}</p>}
      <Violations error={state && state.error} />
      <label>{t('oldPassword')}<input type="password" autocomplete="current-password" required value={f.oldPassword} onInput={(e) => setF({ ...f, oldPassword: e.target.value })} /></label>
      <label>{t('newPassword')}<input type="password" autocomplete="new-password" required minLength={10} value={f.newPassword} onInput={(e) => setF({ ...f, newPassword: e.target.value })} /></label>
      <button type="submit" class="secondary">{t('changePassword')}</button>
    </form>
  );
}

export function AccountsPage() {
  const who = me.get();
  const admin = (who.roles || []).includes('admin');
  const list = useApi(admin ? `/api/v1/org-units/${encodeURIComponent(who.scopeOrgId)}/accounts` : '');
  return (
    <main>
      <h1>{t('accounts')}</h1>
      {admin && <NewAccount scope={who.scopeOrgId} onDone={list.reload} />}
      {admin && (list.error ? <Problem error={list.error} /> : (
        <section class="card" aria-labelledby="accounts-h">
          <h2 id="accounts-h">{t('accounts')}</h2>
          <ul class="accounts">{((list.data && list.data.accounts) || []).map((a) => <AccountRow key={a.id} account={a} onDone={list.reload} />)}</ul>
        </section>
      ))}
      <OwnPassword />
    </main>
  );
}
