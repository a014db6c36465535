// A supervisor's visit to a meeting (dự sinh hoạt): which team went and who
// of it, the observations, a score per criterion of the rubric in force on
// the meeting's date (the grade follows from the rulebook), recommendations
// with a due date; and the follow-up of recommendations (done / not done).
import { useEffect, useState } from 'preact/hooks';
import { api, newRequestId, query } from './api.js';
import * as outbox from './outbox.js';
import { kindLabel, num, t, when } from './i18n.js';
import { me, Problem, useApi, useOutboxEntry } from './shared.jsx';

const GRADE = {
  vi: { GOOD: 'Tốt', FAIR: 'Khá', AVERAGE: 'Trung bình', POOR: 'Kém' },
  en: { GOOD: 'Good', FAIR: 'Fair', AVERAGE: 'Average', POOR: 'Poor' },
};
export const gradeLabel = (g) => (GRADE[document.documentElement.lang === 'en' ? 'en' : 'vi'][g] || '—');

// Visits to one meeting, with their recommendations to follow up.
export function VisitsOf({ meeting }) {
  const day = meeting.startsAt.slice(0, 10);
  const r = useApi(`/api/v1/visits?${query({ org_unit_id: meeting.cellId, from: day, to: day })}`);
  useEffect(() => outbox.onChange(() => r.reload()), []);
  if (r.error) return <Problem error={r.error} />;
  const visits = ((r.data && r.data.visits) || []).filter((v) => v.meetingId === meeting.id);
  if (!visits.length) return null;
  return (
    <section class="card" aria-labelledby="visits-h">
      <h2 id="visits-h">{t('visits')}</h2>
      {visits.map((v) => (
        <div class="visit" key={v.id} data-visit={v.id}>
          <p><strong>{t(`level_${v.level}`)}</strong> — {t('score')}{' '}
            <span data-score>{num(v.score)}</span>/100, {t('grade')} <span data-grade={v.grade}>{gradeLabel(v.grade)}</span></p>
          {v.observations && <p>{v.observations}</p>}
          <ul>
            {(v.recommendations || []).map((rec) => <Recommendation key={rec.id} visit={v} rec={rec} />)}
          </ul>
        </div>
      ))}
    </section>
  );
}

function Recommendation({ visit, rec }) {
  const [note, setNote] = useState(rec.followUp || '');
  const send = (status) => outbox.enqueue({
    subject: `visit:${visit.id}`, label: `${t('followUp')}: ${rec.text}`, method: 'PATCH',
    path: `/api/v1/visits/${encodeURIComponent(visit.id)}/recommendations/${encodeURIComponent(rec.id)}`,
    body: { status, followUp: note, etag: visit.etag, requestId: newRequestId() },
  });
  return (
    <li data-recommendation={rec.id}>
      {rec.text} {rec.dueOn && <span class="muted">({t('dueOn')} {when(rec.dueOn)})</span>}{' '}
      <span class="badge" data-rec-status={rec.status}>{t(`rec_${rec.status}`)}</span>
      {rec.status === 'OPEN' && (
        <div class="row">
          <label>{t('note')}<input value={note} maxLength={5000} onInput={(e) => setNote(e.target.value)} /></label>
          <span class="actions">
            <button class="secondary" onClick={() => send('DONE')}>{t('done')}</button>
            <button class="secondary" disabled={!note.trim()} onClick={() => send('OPEN')}>{t('notDoneYet')}</button>
          </span>
        </div>
      )}
    </li>
  );
}

// The committee a lone supervisor goes for: one they sit on, above the cell, on the day.
function OwnerChoice({ memberId, chain, cellId, day, value, onChange }) {
  const m = useApi(`/api/v1/members/${encodeURIComponent(memberId)}`, [memberId]);
  const seats = ((m.data && m.data.positions) || []).filter((p) => chain.has(p.orgUnitId) && p.orgUnitId !== cellId
    && (p.position === 'COMMITTEE_MEMBER' || p.position === 'STANDING_COMMITTEE_MEMBER')
    && p.validFrom <= day && (!p.validTo || p.validTo > day));
  useEffect(() => { if (seats.length && !seats.some((p) => p.orgUnitId === value)) onChange(seats[0].orgUnitId); });
  if (m.error) return <Problem error={m.error} />;
  if (!m.data) return <p>{t('loading')}</p>;
  if (!seats.length) return <p class="problem" role="alert">{t('noSeat')}</p>;
  return (
    <label>{t('onBehalfOf')}
      <select name="owner" value={value} onChange={(e) => onChange(e.target.value)}>
        {seats.map((p) => <option key={p.orgUnitId} value={p.orgUnitId}>{p.orgUnitId}</option>)}
      </select>
    </label>
  );
}

export function VisitPage({ meetingId }) {
  const m = useApi(`/api/v1/meetings/${encodeURIComponent(meetingId)}`);
  const meeting = m.data;
  const unit = useApi(meeting ? `/api/v1/org-units/${encodeURIComponent(meeting.cellId)}` : '', [meeting && meeting.cellId]);
  const province = unit.data ? (unit.data.ancestorIds || [])[0] || unit.data.id : '';
  const day = meeting ? meeting.startsAt.slice(0, 10) : '';
  const rules = useApi(province ? `/api/v1/provinces/${encodeURIComponent(province)}/rulebook?${query({ on_date: day })}` : '', [province, day]);
  const teams = useApi(me.get() ? `/api/v1/org-units/${encodeURIComponent(me.get().scopeOrgId)}/teams` : '');
  // Committee members following the cell may go alone (seed 000), on behalf of their committee.
  const follows = useApi(meeting ? `/api/v1/org-units/${encodeURIComponent(meeting.cellId)}/follow-assignments` : '',
    [meeting && meeting.cellId]);
  const [form, setForm] = useState({ teamId: '', attendees: {}, observations: '', scores: {}, recs: [{ text: '', dueOn: '' }] });
  const [result, setResult] = useOutboxEntry();
  if (m.error || unit.error || rules.error) return <main><Problem error={m.error || unit.error || rules.error} /></main>;
  if (!meeting || !unit.data || !rules.data || !teams.data || !follows.data) return <main><p>{t('loading')}</p></main>;
  // Teams whose committee the cell lies under.
  const chain = new Set([...(unit.data.ancestorIds || []), unit.data.id]);
  const eligible = (teams.data.teams || []).filter((x) => chain.has(x.ownerOrgId));
  const criteria = (rules.data.rules && rules.data.rules.visitCriteria) || [];
  const rubric = criteria.length ? criteria : [{ name: t('overall'), maxPoints: 100 }];
  const team = eligible.find((x) => x.id === form.teamId);
  const followers = (follows.data.assignments || []).filter((a) => a.cellId === meeting.cellId && a.fromDate <= day
    && (!a.toDate || a.toDate >= day));
  const lone = form.teamId.startsWith('member:') ? form.teamId.slice('member:'.length) : '';
  const update = (patch) => setForm({ ...form, ...patch });
  const submit = async (e) => {
    e.preventDefault();
    const body = {
      visit: {
        meetingId: meeting.id,
        ...(lone ? { supervisorMemberId: lone, ownerOrgId: form.ownerOrgId } : {
          teamId: form.teamId,
          attendeeMemberIds: Object.entries(form.attendees).filter(([, on]) => on).map(([id]) => id),
        }),
        observations: form.observations,
        scores: rubric.map((c) => ({ criterion: c.name, maxPoints: c.maxPoints, points: Number(form.scores[c.name] || 0) })),
        recommendations: form.recs.filter((x) => x.text.trim()).map((x) => ({ text: x.text, dueOn: x.dueOn })),
      },
      requestId: newRequestId(),
    };
    const entry = await outbox.enqueue({ subject: `meeting:${meeting.id}:visit`, label: `${t('recordVisit')}: ${unit.data.name} ${when(meeting.startsAt)}`,
      path: '/api/v1/visits', body });
    setResult(entry);
  };
  const total = rubric.reduce((s, c) => s + Number(form.scores[c.name] || 0), 0);
  const max = rubric.reduce((s, c) => s + c.maxPoints, 0);
  return (
    <main>
      <p><a href={`/app/meetings/${encodeURIComponent(meeting.id)}`}>← {t('back')}</a></p>
      <h1>{t('recordVisit')}</h1>
      <p class="meta">{unit.data.name} · {meeting.title || kindLabel(meeting.kind)} · {when(meeting.startsAt)}</p>
      {result && result.state === 'synced' && (
        <p class="notice" role="status" data-visit-recorded>
          {t('visitRecorded')}: {t('score')} {num(result.response.score)}/100, {t('grade')}{' '}
          <span data-grade={result.response.grade}>{gradeLabel(result.response.grade)}</span>
        </p>
      )}
      {result && result.state === 'pending' && <p class="pending" role="status" data-pending>{t('pending')}</p>}
      {result && result.state === 'refused' && <p class="problem" role="alert" data-refused>{t('refused')}: {result.error.message}</p>}
      <form onSubmit={submit} aria-label={t('recordVisit')}>
        <fieldset>
          <legend>{t('team')}</legend>
          <label>{t('team')}
            <select name="team" required value={form.teamId} onChange={(e) => update({ teamId: e.target.value, attendees: {} })}>
              <option value="">—</option>
              {eligible.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
              {followers.map((a) => <option key={a.id} value={`member:${a.memberId}`}>{t('alone')}: <MemberName id={a.memberId} plain /></option>)}
            </select>
          </label>
          {lone && <OwnerChoice memberId={lone} chain={chain} cellId={unit.data.id} day={day}
                                value={form.ownerOrgId} onChange={(ownerOrgId) => update({ ownerOrgId })} />}
          {team && (
            <div role="group" aria-label={t('attendees')}>
              {[team.leaderMemberId, ...(team.memberIds || []).filter((id) => id !== team.leaderMemberId)].map((id) => (
                <label key={id}><input type="checkbox" checked={!!form.attendees[id]}
                  onChange={(e) => update({ attendees: { ...form.attendees, [id]: e.target.checked } })} /> <MemberName id={id} /></label>
              ))}
            </div>
          )}
        </fieldset>
        <fieldset>
          <legend>{t('rubric')} — {num(total)}/{num(max)}</legend>
          {rubric.map((c) => (
            <label key={c.name}>{c.name} (0–{c.maxPoints})
              <input type="number" min="0" max={c.maxPoints} required inputMode="numeric" data-criterion={c.name}
                     value={form.scores[c.name] ?? ''} onInput={(e) => update({ scores: { ...form.scores, [c.name]: e.target.value } })} />
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('observations')}</legend>
          <label>{t('observations')}<textarea name="observations" rows="4" maxLength={20000} value={form.observations}
                                              onInput={(e) => update({ observations: e.target.value })} /></label>
          <h3>{t('recommendations')}</h3>
          {form.recs.map((rec, i) => (
            <div class="row" key={i}>
              <label>{t('recommendation')}<input name={`rec-${i}`} value={rec.text} maxLength={2000}
                onInput={(e) => update({ recs: form.recs.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)) })} /></label>
              <label>{t('dueOn')}<input type="date" name={`rec-due-${i}`} value={rec.dueOn}
                onInput={(e) => update({ recs: form.recs.map((x, j) => (j === i ? { ...x, dueOn: e.target.value } : x)) })} /></label>
            </div>
          ))}
          <button type="button" class="secondary" onClick={() => update({ recs: [...form.recs, { text: '', dueOn: '' }] })}>{t('addRecommendation')}</button>
        </fieldset>
        <button type="submit" class="primary">{t('recordVisit')}</button>
      </form>
    </main>
  );
}

const names = new Map();
function MemberName({ id, plain }) {
  const [name, setName] = useState(names.get(id) || id);
  useEffect(() => {
    if (names.has(id)) return;
    api(`/api/v1/members/${encodeURIComponent(id)}`).then((m) => { names.set(id, m.fullName); setName(m.fullName); }, () => {});
  }, [id]);
  return plain ? name : <span>{name}</span>;
}
