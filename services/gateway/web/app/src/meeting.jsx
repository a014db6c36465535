// A meeting's page: its record in the order of the meeting (DOMAIN.md §3):
// the roll call pre-filled from the roster of the meeting's date, the
// times, speakers and opinions, the resolution and its tasks, the review of
// the last meeting's tasks, the self-grade; then the minutes approved
// (read-only from then on). Works offline: the draft stays on the device,
// the write waits in the outbox and is sent when the network returns.
import { useEffect, useRef, useState } from 'preact/hooks';
import { newRequestId, query } from './api.js';
import * as outbox from './outbox.js';
import { kindLabel, num, statusLabel, t, when } from './i18n.js';
import { me, Problem, useApi } from './shared.jsx';
import { VisitsOf } from './visit.jsx';
import { nowLocalMinute } from './unit.jsx';

const EDITABLE = new Set(['PLANNED', 'HELD']);
const canVisit = () => ((me.get() && me.get().roles) || []).some((r) => r === 'supervisor' || r === 'admin');

// The form's starting point: a draft kept on the device, else the record
// already made, else the roster with everyone present and the planned times.
function initialForm(meeting, roster) {
  const marks = {};
  for (const a of meeting.attendance || []) marks[a.memberId] = { mark: a.mark, reason: a.reason || '' };
  for (const e of roster.entries || []) {
    if (!marks[e.memberId] && e.presence === 'EXPECTED') marks[e.memberId] = { mark: 'PRESENT', reason: '' };
  }
  const planEnd = meeting.endsAt < nowLocalMinute() ? meeting.endsAt : nowLocalMinute();
  return {
    actualStart: meeting.actualStart || meeting.startsAt,
    actualEnd: meeting.actualEnd || planEnd,
    marks,
    speakers: meeting.speakers || 0,
    opinions: meeting.opinions || 0,
    resolution: meeting.resolution || '',
    selfScore: meeting.selfScore || 0,
    tasks: (meeting.tasks || []).map((x) => ({ assigneeMemberId: x.assigneeMemberId, description: x.description, dueOn: x.dueOn })),
    guests: (meeting.guests || []).map((g) => ({ name: g.name, title: g.title, superior: !!g.superior })),
    reviews: Object.fromEntries((meeting.taskReviews || []).map((r) => [r.taskId, { done: r.done, note: r.note }])),
  };
}

// The RecordMeeting request of a form; `order` lists the member ids in the
// order of `attendance`, so a refusal naming attendance[i] finds its row.
function recordRequest(meeting, roster, form) {
  const order = [];
  const attendance = [];
  for (const e of roster.entries || []) {
    const m = form.marks[e.memberId];
    if (!m) continue;
    if (e.presence !== 'EXPECTED' && m.mark !== 'PRESENT') continue;
    order.push(e.memberId);
    attendance.push({ memberId: e.memberId, mark: m.mark, reason: m.mark === 'ABSENT_EXCUSED' ? m.reason : '' });
  }
  return {
    order,
    body: {
      etag: meeting.etag, actualStart: form.actualStart, actualEnd: form.actualEnd, attendance,
      speakers: Number(form.speakers) || 0, opinions: Number(form.opinions) || 0, resolution: form.resolution,
      tasks: form.tasks.filter((x) => x.description.trim()),
      guests: (form.guests || []).filter((g) => g.name.trim()),
      taskReviews: Object.entries(form.reviews).map(([taskId, r]) => ({ taskId, done: !!r.done, note: r.note || '' })),
      selfScore: Number(form.selfScore) || 0, requestId: newRequestId(),
    },
  };
}

// The violations of a refusal, keyed by field ("actual_start",
// "attendance[2].reason" → the member's id).
function violationsByField(error, order) {
  const out = {};
  for (const v of (error && error.fieldViolations) || []) {
    let field = v.field.replace(/^meeting\./, '');
    const m = field.match(/^attendance\[(\d+)\]/);
    if (m && order[Number(m[1])]) field = `mark:${order[Number(m[1])]}`;
    (out[field] ||= []).push(v.description);
  }
  return out;
}

function FieldError({ errors, name }) {
  const list = errors[name];
  if (!list) return null;
  return <span class="field-error" id={`err-${name}`} role="alert">{list.join('; ')}</span>;
}

// The previous meeting of the cell with tasks, for the review.
function usePreviousTasks(meeting) {
  const from = new Date(Date.parse(`${meeting.startsAt.slice(0, 10)}T00:00:00Z`) - 200 * 86400000).toISOString().slice(0, 10);
  const r = useApi(`/api/v1/meetings?${query({ org_unit_id: meeting.cellId, from, to: meeting.startsAt.slice(0, 10), page_size: 100 })}`);
  const earlier = ((r.data && r.data.meetings) || [])
    .filter((m) => m.id !== meeting.id && m.startsAt < meeting.startsAt && (m.status === 'HELD' || m.status === 'MINUTES_APPROVED'));
  const last = earlier[earlier.length - 1];
  return last ? (last.tasks || []).filter((x) => !x.reviewed || x.reviewedInMeetingId === meeting.id) : [];
}

function RecordForm({ meeting, roster, names, onSent, readOnly }) {
  const key = `meeting:${meeting.id}`;
  const [form, setForm] = useState(null);
  const [refusal, setRefusal] = useState(null);
  const [order, setOrder] = useState([]);
  const [pending, setPending] = useState(false);
  const previousTasks = usePreviousTasks(meeting);
  const handled = useRef(null);  // request ids whose answer this page has seen
  useEffect(() => {
    let live = true;
    (readOnly ? Promise.resolve(null) : outbox.loadDraft(key)).then((draft) => {
      if (live) setForm(draft && draft.etag === meeting.etag ? draft.form : initialForm(meeting, roster));
    });
    return () => { live = false; };
  }, [meeting.etag]);
  // What the outbox holds for this meeting: pending, or the refusal of the last try.
  useEffect(() => {
    const look = () => outbox.entries().then((all) => {
      const mine = all.filter((e) => e.subject === key);
      const last = mine[mine.length - 1];
      setPending(mine.some((e) => e.state === 'pending'));
      if (handled.current === null) {
        handled.current = new Set(mine.filter((e) => e.state !== 'pending').map((e) => e.requestId));
        if (last && last.state === 'refused') setRefusal(last.error);
        return;
      }
      const fresh = mine.filter((e) => e.state !== 'pending' && !handled.current.has(e.requestId));
      fresh.forEach((e) => handled.current.add(e.requestId));
      if (fresh.some((e) => e.state === 'synced')) onSent();
      const refused = fresh.filter((e) => e.state === 'refused');
      if (refused.length) setRefusal(refused[refused.length - 1].error);
    });
    look();
    return outbox.onChange(look);
  }, [meeting.id]);
  if (!form) return <p>{t('loading')}</p>;
  const update = (patch) => {
    const next = { ...form, ...patch };
    setForm(next);
    outbox.saveDraft(key, { etag: meeting.etag, form: next });
  };
  const mark = (id, patch) => update({ marks: { ...form.marks, [id]: { ...(form.marks[id] || { mark: 'PRESENT', reason: '' }), ...patch } } });
  const errors = violationsByField(refusal, order);
  const expected = (roster.entries || []).filter((e) => e.presence === 'EXPECTED');
  const visiting = (roster.entries || []).filter((e) => e.presence === 'VISITING');
  const presentCount = expected.filter((e) => (form.marks[e.memberId] || {}).mark === 'PRESENT').length;
  const submit = async (e) => {
    e.preventDefault();
    const req = recordRequest(meeting, roster, form);
    setOrder(req.order);
    setRefusal(null);
    await outbox.enqueue({ subject: key, label: `${t('record')}: ${meeting.title || kindLabel(meeting.kind)} ${when(meeting.startsAt)}`,
      path: `/api/v1/meetings/${encodeURIComponent(meeting.id)}:record`, body: req.body });
  };
  const memberOptions = expected.map((e) => <option key={e.memberId} value={e.memberId}>{e.fullName}</option>);
  return (
    <form class="record" onSubmit={submit} aria-label={t('record')}>
      {pending && <p class="pending" role="status" data-pending>{t('pending')} — {t('draftKept')}</p>}
      {refusal && (
        <div class="problem" role="alert" data-refused>
          <strong>{t('refused')}:</strong> {refusal.message}
        </div>
      )}
      <fieldset disabled={readOnly}>
        <legend>{t('rollCall')} — {t('expectedCount')} {num(expected.length)}, {t('presentCount')} <span data-present>{num(presentCount)}</span></legend>
        <ul class="roll">
          {expected.map((e) => {
            const m = form.marks[e.memberId] || { mark: 'PRESENT', reason: '' };
            const group = `mark-${e.memberId}`;
            return (
              <li key={e.memberId} data-member={e.memberId}>
                <span class="name">{e.fullName}</span>
                <span class="marks" role="radiogroup" aria-label={e.fullName}>
                  {[['PRESENT', 'present'], ['ABSENT_EXCUSED', 'excused'], ['ABSENT_UNEXCUSED', 'unexcused']].map(([value, label]) => (
                    <label key={value}>
                      <input type="radio" name={group} value={value} checked={m.mark === value}
                             onChange={() => mark(e.memberId, { mark: value })} />
                      {t(label)}
                    </label>
                  ))}
                </span>
                {m.mark === 'ABSENT_EXCUSED' && (
                  <label class="reason">{t('reason')}
                    <input value={m.reason} required maxLength={500} onInput={(ev) => mark(e.memberId, { reason: ev.target.value })} />
                  </label>
                )}
                <FieldError errors={errors} name={`mark:${e.memberId}`} />
              </li>
            );
          })}
        </ul>
        {visiting.length > 0 && (
          <>
            <h3>{t('visitors')}</h3>
            <ul class="roll">
              {visiting.map((e) => (
                <li key={e.memberId}>
                  <label><input type="checkbox" checked={(form.marks[e.memberId] || {}).mark === 'PRESENT'}
                                onChange={(ev) => mark(e.memberId, { mark: ev.target.checked ? 'PRESENT' : 'ABSENT_UNEXCUSED' })} />
                    {e.fullName}</label>
                </li>
              ))}
            </ul>
          </>
        )}
      </fieldset>
      <fieldset disabled={readOnly}>
        <legend>{t('guests')}</legend>
        {(form.guests || []).map((g, i) => (
          <div class="row" key={i}>
            <label>{t('guestName')}<input name={`guest-${i}`} value={g.name} maxLength={300}
              onInput={(ev) => update({ guests: form.guests.map((x, j) => (j === i ? { ...x, name: ev.target.value } : x)) })} /></label>
            <label>{t('guestTitle')}<input name={`guest-title-${i}`} value={g.title} maxLength={300}
              onInput={(ev) => update({ guests: form.guests.map((x, j) => (j === i ? { ...x, title: ev.target.value } : x)) })} /></label>
            <label><input type="checkbox" name={`guest-superior-${i}`} checked={g.superior}
              onChange={(ev) => update({ guests: form.guests.map((x, j) => (j === i ? { ...x, superior: ev.target.checked } : x)) })} />{t('guestSuperior')}</label>
          </div>
        ))}
        <FieldError errors={errors} name="guests" />
        {!readOnly && <button type="button" class="secondary" data-action="add-guest"
          onClick={() => update({ guests: [...(form.guests || []), { name: '', title: '', superior: true }] })}>{t('addGuest')}</button>}
      </fieldset>
      <fieldset disabled={readOnly}>
        <legend>{t('meeting')}</legend>
        <div class="row">
          <label>{t('actualStart')}<input type="datetime-local" name="actual_start" value={form.actualStart} required
                                          onInput={(ev) => update({ actualStart: ev.target.value })} /></label>
          <label>{t('actualEnd')}<input type="datetime-local" name="actual_end" value={form.actualEnd} required
                                        onInput={(ev) => update({ actualEnd: ev.target.value })} /></label>
        </div>
        <FieldError errors={errors} name="actual_start" />
        <FieldError errors={errors} name="actual_end" />
        <div class="row">
          <label>{t('speakers')}<input type="number" name="speakers" min="0" max="2000" inputMode="numeric" value={form.speakers}
                                       onInput={(ev) => update({ speakers: ev.target.value })} /></label>
          <label>{t('opinions')}<input type="number" name="opinions" min="0" max="10000" inputMode="numeric" value={form.opinions}
                                       onInput={(ev) => update({ opinions: ev.target.value })} /></label>
        </div>
        <FieldError errors={errors} name="speakers" />
        <FieldError errors={errors} name="opinions" />
        <label>{t('resolution')}<textarea name="resolution" rows="4" maxLength={20000} value={form.resolution}
                                          onInput={(ev) => update({ resolution: ev.target.value })} /></label>
        <FieldError errors={errors} name="resolution" />
      </fieldset>
      <fieldset disabled={readOnly}>
        <legend>{t('tasks')}</legend>
        {form.tasks.map((task, i) => (
          <div class="task" key={i}>
            <label>{t('description')}<input value={task.description} maxLength={2000}
              onInput={(ev) => update({ tasks: form.tasks.map((x, j) => (j === i ? { ...x, description: ev.target.value } : x)) })} /></label>
            <label>{t('assignee')}<select value={task.assigneeMemberId}
              onChange={(ev) => update({ tasks: form.tasks.map((x, j) => (j === i ? { ...x, assigneeMemberId: ev.target.value } : x)) })}>
              <option value="" />{memberOptions}</select></label>
            <label>{t('dueOn')}<input type="date" value={task.dueOn}
              onInput={(ev) => update({ tasks: form.tasks.map((x, j) => (j === i ? { ...x, dueOn: ev.target.value } : x)) })} /></label>
          </div>
        ))}
        <FieldError errors={errors} name="tasks" />
        {!readOnly && <button type="button" class="secondary"
          onClick={() => update({ tasks: [...form.tasks, { assigneeMemberId: '', description: '', dueOn: '' }] })}>{t('addTask')}</button>}
        {previousTasks.length > 0 && (
          <>
            <h3>{t('reviewTasks')}</h3>
            {previousTasks.map((task) => {
              const r = form.reviews[task.id] || {};
              return (
                <div class="task" key={task.id}>
                  <span>{task.description} — {names[task.assigneeMemberId] || task.assigneeMemberId}</span>
                  <label><input type="checkbox" checked={!!r.done}
                    onChange={(ev) => update({ reviews: { ...form.reviews, [task.id]: { ...r, done: ev.target.checked } } })} />{t('done')}</label>
                  <label>{t('note')}<input value={r.note || ''}
                    onInput={(ev) => update({ reviews: { ...form.reviews, [task.id]: { ...r, note: ev.target.value } } })} /></label>
                </div>
              );
            })}
          </>
        )}
        <label>{t('selfScore')}<input type="number" name="self_score" min="0" max="100" value={form.selfScore}
                                      onInput={(ev) => update({ selfScore: ev.target.value })} /></label>
        <FieldError errors={errors} name="self_score" />
      </fieldset>
      {!readOnly && <button type="submit" class="primary">{t('save')}</button>}
    </form>
  );
}

function StatusActions({ meeting }) {
  const [reason, setReason] = useState('');
  const key = `meeting:${meeting.id}`;
  const send = (verb, body, label) => outbox.enqueue({
    subject: key, label: `${label}: ${meeting.title || kindLabel(meeting.kind)} ${when(meeting.startsAt)}`,
    path: `/api/v1/meetings/${encodeURIComponent(meeting.id)}:${verb}`,
    body: { etag: meeting.etag, requestId: newRequestId(), ...body },
  });
  return (
    <div class="actions">
      {meeting.status === 'HELD' && <button class="primary" data-action="approve" onClick={() => send('approveMinutes', {}, t('approve'))}>{t('approve')}</button>}
      {meeting.status === 'PLANNED' && (
        <details>
          <summary>{t('postpone')} / {t('cancel')}</summary>
          <label>{t('reason')}<input value={reason} maxLength={2000} onInput={(e) => setReason(e.target.value)} /></label>
          <button class="secondary" disabled={!reason.trim()} onClick={() => send('postpone', { reason }, t('postpone'))}>{t('postpone')}</button>
          <button class="secondary" disabled={!reason.trim()} onClick={() => send('cancel', { reason }, t('cancel'))}>{t('cancel')}</button>
        </details>
      )}
    </div>
  );
}

export function MeetingPage({ id }) {
  const m = useApi(`/api/v1/meetings/${encodeURIComponent(id)}`);
  const meeting = m.data;
  const date = meeting ? meeting.startsAt.slice(0, 10) : '';
  const roster = useApi(meeting ? `/api/v1/org-units/${encodeURIComponent(meeting.cellId)}/roster?${query({ date })}` : '', [date]);
  if (m.error) return <main><Problem error={m.error} /></main>;
  if (!meeting || (!roster.data && !roster.error)) return <main><p>{t('loading')}</p></main>;
  if (roster.error) return <main><Problem error={roster.error} /></main>;
  const names = Object.fromEntries((roster.data.entries || []).map((e) => [e.memberId, e.fullName]));
  const readOnly = !EDITABLE.has(meeting.status);
  return (
    <main>
      <p><a href={`/app/units/${encodeURIComponent(meeting.cellId)}`}>← {t('back')}</a></p>
      <h1>{meeting.title || kindLabel(meeting.kind)}</h1>
      <p class="meta">
        <span>{t('planned')}: {when(meeting.startsAt)}</span>
        {meeting.place && <span> · {t('place')}: {meeting.place}</span>}
        <span> · {t('status')}: <span class={`badge ${meeting.status}`} data-status={meeting.status}>{statusLabel(meeting.status)}</span></span>
      </p>
      {meeting.status === 'MINUTES_APPROVED' && <p class="notice" data-readonly>{t('approved')}</p>}
      {meeting.statusReason && <p class="notice">{meeting.statusReason}</p>}
      <StatusActions meeting={meeting} />
      {canVisit() && meeting.status !== 'CANCELLED' && meeting.status !== 'POSTPONED' && (
        <p><a class="button" data-action="visit" href={`/app/meetings/${encodeURIComponent(meeting.id)}/visit`}>{t('recordVisit')}</a></p>
      )}
      <VisitsOf meeting={meeting} />
      <RecordForm meeting={meeting} roster={roster.data} names={names} readOnly={readOnly}
                  onSent={() => { outbox.dropDraft(`meeting:${meeting.id}`); m.reload(); }} />
    </main>
  );
}
