// A unit's page: for a cell, what its secretary needs each month (next
// meetings, the ones overdue for minutes, the last ones, the year's
// figures); for a committee, its units below.
import { query } from './api.js';
import { kindLabel, num, pct, statusLabel, t, when } from './i18n.js';
import { me, Problem, useApi } from './shared.jsx';
import { NewMeeting } from './plan.jsx';

const CELL_KINDS = new Set(['BASE_CELL', 'SUBORDINATE_CELL']);

// Today in Asia/Ho_Chi_Minh, "YYYY-MM-DD", and days from it.
export function today(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(d);
}
export const nowLocalMinute = () => {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date());
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
};

function Figures({ unitId }) {
  const year = today().slice(0, 4);
  const r = useApi(`/api/v1/reports/compliance?${query({ org_unit_id: unitId, period: year })}`);
  if (r.error) return <Problem error={r.error} />;
  if (!r.data) return null;
  const f = r.data.totals || {};
  return (
    <section class="card" aria-labelledby="figures-h">
      <h2 id="figures-h">{t('compliance')} {year}</h2>
      <dl class="figures">
        <div><dt>{t('regularHeld')}</dt><dd data-figure="regular">{num(f.regularHeld)}/{num(f.regularExpected)}</dd></div>
        <div><dt>{t('meetingsHeld')}</dt><dd data-figure="held">{num(f.meetingsHeld)}</dd></div>
        <div><dt>{t('attendance')}</dt><dd data-figure="attendance">{pct(f.attendanceRate)}</dd></div>
        <div><dt>{t('unrecorded')}</dt><dd data-figure="unrecorded">{num(f.unrecordedPastMeetings)}</dd></div>
      </dl>
    </section>
  );
}

function MeetingList({ title, meetings, id }) {
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {meetings.length === 0 ? <p class="muted">{t('none')}</p> : (
        <ul class="meetings">
          {meetings.map((m) => (
            <li key={m.id}>
              <a href={`/app/meetings/${encodeURIComponent(m.id)}`}>
                <span class="when">{when(m.startsAt)}</span>
                <span class="what">{m.title || kindLabel(m.kind)}</span>
                <span class={`badge ${m.status}`}>{statusLabel(m.status)}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CellMeetings({ unitId }) {
  const r = useApi(`/api/v1/meetings?${query({ org_unit_id: unitId, from: today(-180), to: today(120), page_size: 500 })}`);
  if (r.error) return <Problem error={r.error} />;
  if (!r.data) return <p>{t('loading')}</p>;
  const now = `${today()}T00:00`;
  const all = r.data.meetings || [];
  const next = all.filter((m) => m.status === 'PLANNED' && m.startsAt >= now).slice(0, 4);
  const overdue = all.filter((m) => m.status === 'PLANNED' && m.startsAt < now);
  const last = all.filter((m) => m.status !== 'PLANNED' && m.startsAt < `${today(1)}T00:00`).reverse().slice(0, 6);
  return (
    <>
      {overdue.length > 0 && <MeetingList id="overdue-h" title={t('overdue')} meetings={overdue} />}
      <MeetingList id="next-h" title={t('nextMeetings')} meetings={next} />
      <MeetingList id="last-h" title={t('lastMeetings')} meetings={last} />
    </>
  );
}

function Children({ unitId }) {
  const r = useApi(`/api/v1/org-units/${encodeURIComponent(unitId)}/children?page_size=1000`);
  if (r.error) return <Problem error={r.error} />;
  if (!r.data) return null;
  return (
    <section class="card" aria-labelledby="children-h">
      <h2 id="children-h">{t('children')}</h2>
      <ul class="units">
        {(r.data.orgUnits || []).map((u) => (
          <li key={u.id}><a href={`/app/units/${encodeURIComponent(u.id)}`}>{u.name}</a></li>
        ))}
      </ul>
    </section>
  );
}

// Upcoming meetings of a cell, or of every cell below a committee.
function Upcoming({ unitId, subtree, days = 45 }) {
  const r = useApi(`/api/v1/meetings?${query({ org_unit_id: unitId, subtree: subtree ? 'true' : '', from: today(), to: today(days), status: 'PLANNED', page_size: 8 })}`);
  if (r.error) return <Problem error={r.error} />;
  const list = (r.data && r.data.meetings) || [];
  if (!list.length) return <p class="muted">{t('none')}</p>;
  return (
    <ul class="meetings">{list.map((m) => (
      <li key={m.id}><a href={`/app/meetings/${encodeURIComponent(m.id)}`}>
        <span class="when">{when(m.startsAt)}</span><span class="what">{m.title || kindLabel(m.kind)}</span></a></li>
    ))}</ul>
  );
}

// A supervisor's own work: the cells they follow (one committee member per
// cell, seed 000) and their teams, with the meetings coming up.
function SupervisorPanel({ scope }) {
  const account = JSON.parse(localStorage.getItem('chibo.account') || 'null');
  const memberId = account && account.memberId;
  const follows = useApi(`/api/v1/org-units/${encodeURIComponent(scope)}/follow-assignments`);
  const teams = useApi(`/api/v1/org-units/${encodeURIComponent(scope)}/teams`);
  if (!memberId) return null;
  const day = today();
  const mine = ((follows.data && follows.data.assignments) || [])
    .filter((a) => a.memberId === memberId && a.fromDate <= day && (!a.toDate || a.toDate >= day));
  const myTeams = ((teams.data && teams.data.teams) || [])
    .filter((x) => x.leaderMemberId === memberId || (x.memberIds || []).includes(memberId));
  return (
    <>
      {mine.length > 0 && (
        <section class="card" aria-labelledby="followed-h" data-followed>
          <h2 id="followed-h">{t('followed')}</h2>
          {mine.map((a) => (
            <div key={a.id}><h3><a href={`/app/units/${encodeURIComponent(a.cellId)}`}>{a.cellId}</a></h3><Upcoming unitId={a.cellId} /></div>
          ))}
        </section>
      )}
      {myTeams.length > 0 && (
        <section class="card" aria-labelledby="teams-h" data-my-teams>
          <h2 id="teams-h">{t('myTeams')}</h2>
          {myTeams.map((x) => (
            <div key={x.id}><h3>{x.name}</h3><Upcoming unitId={x.ownerOrgId} subtree days={30} /></div>
          ))}
        </section>
      )}
    </>
  );
}

// The unit's reminders (nhắc việc) addressed to it, with how many are outstanding.
function RemindersLink({ unitId }) {
  const r = useApi(`/api/v1/org-units/${encodeURIComponent(unitId)}/reminders?page_size=1`);
  const n = r.data ? r.data.outstanding || 0 : 0;
  return (
    <a href={`/app/units/${encodeURIComponent(unitId)}/reminders`} data-reminders-link={r.data ? String(n) : 'loading'}>
      {t('reminders')}{n > 0 ? ` (${num(n)})` : ''}
    </a>
  );
}

export function UnitPage({ id, home }) {
  const r = useApi(`/api/v1/org-units/${encodeURIComponent(id)}`);
  if (r.error) return <main><Problem error={r.error} /></main>;
  if (!r.data) return <main><p>{t('loading')}</p></main>;
  const unit = r.data;
  const cell = CELL_KINDS.has(unit.kind);
  return (
    <main>
      <h1>{unit.name}</h1>
      <p class="links">
        {!home && <a href="/app/">{t('myUnit')}</a>}
        <a href={`/app/units/${encodeURIComponent(unit.id)}/members`}>{t('roll')}</a>
        <a href={`/app/units/${encodeURIComponent(unit.id)}/actions`}>{t('actions')}</a>
        <RemindersLink unitId={unit.id} />
        {!cell && <a href={`/app/units/${encodeURIComponent(unit.id)}/visit-plans`}>{t('visitPlans')}</a>}
      </p>
      {home && ((me.get() && me.get().roles) || []).includes('supervisor') && <SupervisorPanel scope={unit.id} />}
      <Figures unitId={unit.id} />
      {cell && (
        <p class="links">
          <a href={`/app/units/${encodeURIComponent(unit.id)}/plan/${today().slice(0, 4)}`}>{t('thematicPlan')} {today().slice(0, 4)}</a>
          <a href={`/app/units/${encodeURIComponent(unit.id)}/plan/${Number(today().slice(0, 4)) + 1}`}>{t('thematicPlan')} {Number(today().slice(0, 4)) + 1}</a>
        </p>
      )}
      {cell && <NewMeeting cellId={unit.id} />}
      {cell ? <CellMeetings unitId={unit.id} /> : <Children unitId={unit.id} />}
    </main>
  );
}
