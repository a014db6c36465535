// A cell's own planning: a one-off meeting added to its schedule, and its
// thematic plan for a year (kế hoạch sinh hoạt chuyên đề): topics by
// quarter, saved while a draft or returned, then submitted to the superior
// committee, which approves it or returns it with a comment.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, newRequestId } from './api.js';
import * as outbox from './outbox.js';
import { kindLabel, t } from './i18n.js';
import { Problem, useOutboxEntry } from './shared.jsx';
import { nowLocalMinute } from './unit.jsx';

const KINDS = ['REGULAR', 'THEMATIC', 'REGULAR_AND_THEMATIC'];

export function NewMeeting({ cellId }) {
  const start = nowLocalMinute().slice(0, 11) + '19:30';
  const [f, setF] = useState({ kind: 'REGULAR', title: '', startsAt: start, endsAt: start.slice(0, 11) + '21:30', place: '' });
  const [open, setOpen] = useState(false);
  const [done, setDone] = useOutboxEntry();
  const set = (patch) => setF({ ...f, ...patch });
  const submit = async (e) => {
    e.preventDefault();
    const entry = await outbox.enqueue({ subject: `cell:${cellId}`, label: `${t('addMeeting')}: ${f.title || kindLabel(f.kind)} ${f.startsAt}`,
      path: '/api/v1/meetings', body: { meeting: { cellId, ...f }, requestId: newRequestId() } });
    setDone(entry);
  };
  if (!open) return <p><button class="secondary" data-action="add-meeting" onClick={() => setOpen(true)}>{t('addMeeting')}</button></p>;
  return (
    <form class="card" onSubmit={submit} aria-labelledby="add-meeting-h">
      <h2 id="add-meeting-h">{t('addMeeting')}</h2>
      {done && done.state === 'synced' && <p class="notice" role="status" data-added><a href={`/app/meetings/${encodeURIComponent(done.response.id)}`}>{t('meetingAdded')}</a></p>}
      {done && done.state === 'pending' && <p class="pending" role="status">{t('pending')}</p>}
      {done && done.state === 'refused' && <p class="problem" role="alert">{t('refused')}: {done.error.message}</p>}
      <label>{t('kind')}<select name="kind" value={f.kind} onChange={(e) => set({ kind: e.target.value })}>
        {KINDS.map((k) => <option key={k} value={k}>{kindLabel(k)}</option>)}</select></label>
      <label>{t('description')}<input name="title" value={f.title} maxLength={300} onInput={(e) => set({ title: e.target.value })} /></label>
      <div class="row">
        <label>{t('actualStart')}<input type="datetime-local" name="starts_at" required value={f.startsAt} onInput={(e) => set({ startsAt: e.target.value })} /></label>
        <label>{t('actualEnd')}<input type="datetime-local" name="ends_at" required value={f.endsAt} onInput={(e) => set({ endsAt: e.target.value })} /></label>
      </div>
      <label>{t('place')}<input name="place" value={f.place} maxLength={300} onInput={(e) => set({ place: e.target.value })} /></label>
      <button type="submit" class="primary">{t('addMeeting')}</button>
    </form>
  );
}

export function PlanPage({ cellId, year }) {
  const [plan, setPlan] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const [dirty, setDirty] = useState(false);
  const load = () => api(`/api/v1/org-units/${encodeURIComponent(cellId)}/thematic-plans/${year}`).then(setPlan, (err) => {
    if (err instanceof ApiError && err.status === 404) setPlan({ cellId, year, topics: [], status: 'DRAFT', etag: '' });
    else setError(err);
  });
  useEffect(() => { load(); }, [cellId, year]);
  if (error && !plan) return <main><Problem error={error} /></main>;
  if (!plan) return <main><p>{t('loading')}</p></main>;
  const editable = plan.status === 'DRAFT' || plan.status === 'RETURNED' || !plan.status;
  const topics = plan.topics || [];
  const setTopics = (next) => { setPlan({ ...plan, topics: next }); setDirty(true); };
  const call = async (method, path, body, message) => {
    setError(null);
    try {
      setPlan(await api(path, { method, body: { ...body, requestId: newRequestId() } }));
      setDirty(false);
      setNotice(message);
    } catch (err) { setError(err); }
  };
  const base = `/api/v1/org-units/${encodeURIComponent(cellId)}/thematic-plans/${year}`;
  return (
    <main>
      <p><a href={`/app/units/${encodeURIComponent(cellId)}`}>← {t('back')}</a></p>
      <h1>{t('thematicPlan')} {year}</h1>
      <p>{t('status')}: <span class="badge" data-plan-status={plan.status}>{t(`plan_${plan.status || 'DRAFT'}`)}</span></p>
      {plan.reviewComment && <p class="notice">{plan.reviewComment}</p>}
      {notice && <p class="notice" role="status">{notice}</p>}
      {error && <p class="problem" role="alert">{error.message}</p>}
      <fieldset disabled={!editable}>
        <legend>{t('topics')}</legend>
        {topics.map((x, i) => (
          <div class="row" key={i}>
            <label>{t('quarter')}<select value={x.quarter} onChange={(e) => setTopics(topics.map((y, j) => (j === i ? { ...y, quarter: Number(e.target.value) } : y)))}>
              {[1, 2, 3, 4].map((q) => <option key={q} value={q}>{q}</option>)}</select></label>
            <label>{t('topic')}<input value={x.title} maxLength={500} data-topic={i}
              onInput={(e) => setTopics(topics.map((y, j) => (j === i ? { ...y, title: e.target.value } : y)))} /></label>
          </div>
        ))}
        <button type="button" class="secondary" onClick={() => setTopics([...topics, { quarter: Math.min(4, topics.length + 1), title: '' }])}>{t('addTopic')}</button>
      </fieldset>
      {editable && (
        <p class="actions">
          <button class="secondary" data-action="save-plan"
            onClick={() => call('PUT', base, { plan: { cellId, year, etag: plan.etag, topics: topics.filter((x) => x.title.trim()) } }, t('saved'))}>{t('savePlan')}</button>
          <button class="primary" data-action="submit-plan" disabled={!plan.etag || dirty}
            onClick={() => call('POST', `${base}:submit`, { etag: plan.etag }, t('submitted'))}>{t('submitPlan')}</button>
        </p>
      )}
    </main>
  );
}
