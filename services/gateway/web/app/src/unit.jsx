// A unit's page: for a cell, what its secretary needs each month (next
// meetings, the ones overdue for minutes, the last ones, the year's
// figures); for a committee, its units below.
import { query } from './api.js';
import { kindLabel, num, pct, statusLabel, t, when } from './i18n.js';
import { Problem, useApi } from './shared.jsx';

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
      </p>
      <Figures unitId={unit.id} />
      {cell ? <CellMeetings unitId={unit.id} /> : <Children unitId={unit.id} />}
    </main>
  );
}
