// chibo's app for the daily work (/app/): a secretary's cell and the
// recording of its meetings, on a phone and offline. Every view has its own
// URL; writes go through the outbox (outbox.js).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api.js';
import * as outbox from './outbox.js';
import { lang, setLang, t } from './i18n.js';
import { go, me, online, path, useSignal } from './shared.jsx';
import { MeetingPage } from './meeting.jsx';
import { UnitPage } from './unit.jsx';
import { VisitPage } from './visit.jsx';
import { MemberPage, RollPage } from './roll.jsx';
import { AccountsPage } from './accounts.jsx';
import { ActionsPage } from './actions.jsx';
import { PlanPage } from './plan.jsx';
import './app.css';

function Outbox() {
  const [items, setItems] = useState([]);
  useEffect(() => {
    const load = () => outbox.entries().then(setItems);
    load();
    return outbox.onChange(load);
  }, []);
  const open = items.filter((e) => e.state !== 'synced' || Date.now() - e.done < 60000);
  if (!open.length) return null;
  return (
    <section class="outbox" aria-label={t('outbox')}>
      <h2>{t('outbox')}</h2>
      <ul>
        {open.map((e) => (
          <li key={e.requestId} data-state={e.state}>
            <span class={`badge ${e.state}`}>{t(e.state)}</span> {e.label}
            {e.error && <span class="why"> — {e.error.message}</span>}
            {e.state !== 'pending' && <button class="link" onClick={() => outbox.forget(e.requestId)}>{t('dismiss')}</button>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Header() {
  const who = useSignal(me);
  const l = useSignal(lang);
  const isOnline = useSignal(online);
  const signOut = async () => {
    try { await api('/api/v1/session', { method: 'DELETE' }); } catch { /* signed out either way */ }
    await outbox.clearAll();
    localStorage.removeItem('chibo.account');
    me.set(null);
    go('/app/login');
  };
  return (
    <header class="top">
      <a class="brand" href="/app/">chibo</a>
      <span class="who">{who ? who.subject.replace(/^account:/, '') : ''}</span>
      <nav>
        {who && <a href={`/app/units/${encodeURIComponent(who.scopeOrgId)}/members`}>{t('membersNav')}</a>}
        {who && <a href="/app/accounts">{t('accounts')}</a>}
        <a href="/">{t('dashboard')}</a>
        <button class="link" onClick={() => setLang(l === 'vi' ? 'en' : 'vi')}>{t('language')}</button>
        {who && <button class="link" onClick={signOut}>{t('signOut')}</button>}
      </nav>
      {!isOnline && <p class="offline" role="status">{t('offlineBanner')}</p>}
    </header>
  );
}

// ------------------------------------------------------------ pages

function LoginPage() {
  const [error, setError] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    try {
      const session = await api('/api/v1/session', { method: 'POST', body: { username: form.get('username'), password: form.get('password') } });
      localStorage.setItem('chibo.account', JSON.stringify({ username: session.account.username, memberId: session.account.memberId || '' }));
      me.set(await api('/api/v1/whoami'));
      go('/app/');
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('wrongLogin') : err.message);
    }
  };
  return (
    <main class="narrow">
      <h1>{t('appTitle')}</h1>
      <form onSubmit={submit} class="card">
        <h2>{t('signIn')}</h2>
        <label>{t('username')}<input name="username" autocomplete="username" required /></label>
        <label>{t('password')}<input name="password" type="password" autocomplete="current-password" required /></label>
        {error && <p class="problem" role="alert">{error}</p>}
        <button type="submit" class="primary">{t('signIn')}</button>
      </form>
    </main>
  );
}

function Home() {
  const who = useSignal(me);
  if (!who) return <p>{t('loading')}</p>;
  return <UnitPage id={who.scopeOrgId} home />;
}

function App() {
  const p = useSignal(path);
  useSignal(lang);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    api('/api/v1/whoami').then((w) => me.set(w), () => {}).finally(() => setReady(true));
  }, []);
  if (!ready) return <p>{t('loading')}</p>;
  let page;
  let m;
  if (p === '/app/login') page = <LoginPage />;
  else if (!me.get()) { go('/app/login'); page = <LoginPage />; }
  else if ((m = p.match(/^\/app\/meetings\/([^/]+)\/visit$/))) page = <VisitPage meetingId={decodeURIComponent(m[1])} />;
  else if ((m = p.match(/^\/app\/meetings\/([^/]+)$/))) page = <MeetingPage id={decodeURIComponent(m[1])} />;
  else if ((m = p.match(/^\/app\/units\/([^/]+)\/members$/))) page = <RollPage unitId={decodeURIComponent(m[1])} />;
  else if ((m = p.match(/^\/app\/members\/([^/]+)$/))) page = <MemberPage id={decodeURIComponent(m[1])} />;
  else if (p === '/app/accounts') page = <AccountsPage />;
  else if ((m = p.match(/^\/app\/units\/([^/]+)\/plan\/(\d{4})$/))) page = <PlanPage cellId={decodeURIComponent(m[1])} year={Number(m[2])} />;
  else if ((m = p.match(/^\/app\/units\/([^/]+)\/actions$/))) page = <ActionsPage unitId={decodeURIComponent(m[1])} />;
  else if ((m = p.match(/^\/app\/units\/([^/]+)$/))) page = <UnitPage id={decodeURIComponent(m[1])} />;
  else page = <Home />;
  return (
    <>
      <Header />
      <Outbox />
      {page}
    </>
  );
}

render(<App />, document.getElementById('root'));
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => {});
outbox.flush();
