// chibo's app for the daily work (/app/): a secretary's cell and the
// recording of its meetings, on a phone and offline. Every view has its own
// URL; writes go through the outbox (outbox.js).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, OfflineError } from './api.js';
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
import { RemindersPage, TeamReportPage, VisitPlanPage, VisitPlansPage } from './supervision.jsx';
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
      {outbox.status.needsSignIn && <p class="problem" role="alert">{t('signInToSend')} <a href="/app/login">{t('signIn')}</a></p>}
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
    // Signing out ends the session on the server: it needs the network, and
    // what is still waiting to be sent would be lost with it.
    if (!navigator.onLine) { window.alert(t('signOutOffline')); return; }
    const waiting = await outbox.pendingCount();
    if (waiting > 0 && !window.confirm(`${t('signOutPending')} (${waiting})`)) return;
    try {
      await api('/api/v1/session', { method: 'DELETE' });
    } catch (err) {
      if (!(err instanceof ApiError)) { window.alert(t('signOutOffline')); return; }
    }
    await outbox.clearAccount();
    localStorage.removeItem('chibo.account');
    localStorage.removeItem('chibo.who');
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

// Who is signed in: the outbox sends only their writes; when another
// person signs in on this device, the last one's cached answers go.
async function signedIn(who) {
  const last = localStorage.getItem('chibo.subject');
  if (last && last !== who.subject && window.caches) await caches.delete(outbox.API_CACHE);
  localStorage.setItem('chibo.subject', who.subject);
  localStorage.setItem('chibo.who', JSON.stringify(who));
  outbox.setAccount(who.subject);
  me.set(who);
}

function LoginPage() {
  const [error, setError] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    try {
      const session = await api('/api/v1/session', { method: 'POST', body: { username: form.get('username'), password: form.get('password') } });
      localStorage.setItem('chibo.account', JSON.stringify({ username: session.account.username, memberId: session.account.memberId || '' }));
      signedIn(await api('/api/v1/whoami'));
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
    // Offline, the app opens as the last person signed in on this device (the
    // service worker never caches whoami); their writes wait in the outbox.
    api('/api/v1/whoami').then(signedIn, (err) => {
      const last = localStorage.getItem('chibo.who');
      if (err instanceof OfflineError && last) return signedIn(JSON.parse(last));
      return undefined;
    }).finally(() => setReady(true));
  }, []);
  if (!ready) return <p>{t('loading')}</p>;
  let page;
  let m;
  const dec = (x) => { try { return decodeURIComponent(x); } catch { return x; } };
  if (p === '/app/login') page = <LoginPage />;
  else if (!me.get()) { go('/app/login'); page = <LoginPage />; }
  else if ((m = p.match(/^\/app\/meetings\/([^/]+)\/visit$/))) page = <VisitPage meetingId={dec(m[1])} />;
  else if ((m = p.match(/^\/app\/meetings\/([^/]+)$/))) page = <MeetingPage id={dec(m[1])} />;
  else if ((m = p.match(/^\/app\/units\/([^/]+)\/members$/))) page = <RollPage unitId={dec(m[1])} />;
  else if ((m = p.match(/^\/app\/members\/([^/]+)$/))) page = <MemberPage id={dec(m[1])} />;
  else if (p === '/app/accounts') page = <AccountsPage />;
  else if ((m = p.match(/^\/app\/units\/([^/]+)\/plan\/(\d{4})$/))) page = <PlanPage cellId={dec(m[1])} year={Number(m[2])} />;
  else if ((m = p.match(/^\/app\/units\/([^/]+)\/actions$/))) page = <ActionsPage unitId={dec(m[1])} />;
  else if ((m = p.match(/^\/app\/units\/([^/]+)\/visit-plans$/))) page = <VisitPlansPage unitId={dec(m[1])} />;
  else if ((m = p.match(/^\/app\/units\/([^/]+)\/reminders$/))) page = <RemindersPage unitId={dec(m[1])} />;
  else if ((m = p.match(/^\/app\/visit-plans\/([^/]+)$/))) page = <VisitPlanPage id={dec(m[1])} />;
  else if ((m = p.match(/^\/app\/teams\/([^/]+)\/reports\/([^/]+)$/))) page = <TeamReportPage teamId={dec(m[1])} period={dec(m[2])} />;
  else if ((m = p.match(/^\/app\/units\/([^/]+)$/))) page = <UnitPage id={dec(m[1])} />;
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
// The service worker, and the files this page loaded before it took over
// (the first visit), so the app opens offline from then on.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).then(() => navigator.serviceWorker.ready).then(async () => {
    const files = performance.getEntriesByType('resource').map((e) => new URL(e.name))
      .filter((u) => u.origin === location.origin && u.pathname.startsWith('/assets/')).map((u) => u.pathname);
    const shell = await caches.open('chibo-shell-v1');
    await shell.addAll(['/app/', ...new Set(files)]);
  }).catch(() => {});
}
