// A committee's supervision work in the app:
//   - its visit plans (kế hoạch dự sinh hoạt): propose one for a quarter or
//     a year, adjust it by hand (each change with its reason), approve it;
//     the plan's figures, loads per team and shortfalls;
//   - a team's report for a period (seed 003): planned vs done, grades,
//     recommendations, the leader's proposals; printable;
//   - reminders (nhắc việc): what is late, addressed to the unit (and below),
//     and how each was delivered to the province's webhook.
// Writes go through the outbox (a request id each, replays answered once).
import { useEffect, useState } from 'preact/hooks';
import { api, newRequestId, query } from './api.js';
import * as outbox from './outbox.js';
import { lang, num, pct, t, when } from './i18n.js';
import { go, Problem, useApi, useOutboxEntry } from './shared.jsx';
import { today } from './unit.jsx';

const S = {
  vi: {
    visitPlans: 'Kế hoạch dự sinh hoạt', propose: 'Lập kế hoạch đề xuất', period: 'Kỳ', solver: 'Cách lập',
    solver_MIN_COST_FLOW: 'Tối ưu (luồng chi phí nhỏ nhất)', solver_GREEDY: 'Lần lượt theo ưu tiên', maxPerTeam: 'Số cuộc tối đa mỗi tổ (để trống: đủ phủ mọi chi bộ)',
    planStatus_DRAFT: 'Dự thảo', planStatus_APPROVED: 'Đã duyệt', noPlans: 'Chưa có kế hoạch', open: 'Mở',
    cellsCovered: 'Chi bộ được dự', remoteShare: 'Chi bộ vùng sâu, vùng xa được dự', quotasMet: 'Tổ đạt chỉ tiêu',
    duplicates: 'Trùng lắp giữa các cấp', overlaps: 'Trùng lịch', gap: 'Khoảng cách tới cận trên', visitsPlanned: 'Cuộc dự theo kế hoạch',
    loads: 'Phân công theo tổ', quota: 'Chỉ tiêu', plannedN: 'Theo kế hoạch', doneN: 'Đã dự', shortfalls: 'Chưa đáp ứng',
    date: 'Ngày', cell: 'Chi bộ', why: 'Lý do chọn', reason_QUOTA: 'Chỉ tiêu', reason_PRIORITY: 'Ưu tiên', reason_COVERAGE: 'Phủ kín',
    reason_PINNED: 'Giữ theo yêu cầu', reason_OVERRIDE: 'Điều chỉnh', remove: 'Bỏ', changeReason: 'Lý do điều chỉnh',
    addVisit: 'Thêm cuộc dự', meetingId: 'Mã buổi sinh hoạt', applyChange: 'Điều chỉnh', approvePlan: 'Duyệt kế hoạch',
    approvedBy: 'Duyệt bởi', sending: 'Đang gửi…', teamReport: 'Báo cáo của tổ', teams: 'Tổ dự sinh hoạt',
    visitsDone: 'Đã dự', plannedDone: 'Theo kế hoạch đã dự', unplannedDone: 'Ngoài kế hoạch', cellsVisited: 'Chi bộ đã dự',
    grades: 'Xếp loại', good: 'Tốt', fair: 'Khá', average: 'Trung bình', poor: 'Kém', notScored: 'Chưa chấm',
    recsMade: 'Kiến nghị đã nêu', recsOpen: 'Chưa thực hiện', recsDone: 'Đã thực hiện', recsOverdue: 'Quá hạn',
    proposals: 'Đề xuất, kiến nghị của tổ', saveProposals: 'Lưu đề xuất', print: 'In báo cáo', yes: 'Có', no: 'Không',
    reminders: 'Nhắc việc', below: 'Cả các đơn vị trực thuộc', resolvedToo: 'Cả việc đã xong', outstanding: 'Việc còn tồn',
    subj_MEETING_NOT_RECORDED: 'Chưa ghi biên bản', subj_RECOMMENDATION_OVERDUE: 'Kiến nghị quá hạn', step: 'Cấp nhận',
    stepSecretary: 'Bí thư chi bộ', stepUp: 'Cấp ủy cấp trên', daysLate: 'ngày quá hạn', resolved: 'Đã xong',
    del_DELIVERY_PENDING: 'Chờ gửi', del_DELIVERED: 'Đã gửi', del_DELIVERY_FAILED: 'Gửi lỗi', del_DELIVERY_SKIPPED: 'Không cần gửi',
    attempts: 'Lịch sử gửi', noReminders: 'Không có việc cần nhắc', raisedOn: 'Nhắc ngày', dueLabel: 'Hạn',
  },
  en: {
    visitPlans: 'Visit plans', propose: 'Propose a plan', period: 'Period', solver: 'Method',
    solver_MIN_COST_FLOW: 'Optimal (min-cost flow)', solver_GREEDY: 'Greedy by priority', maxPerTeam: 'Most visits per team (empty: enough to cover every cell)',
    planStatus_DRAFT: 'Draft', planStatus_APPROVED: 'Approved', noPlans: 'No plans yet', open: 'Open',
    cellsCovered: 'Cells covered', remoteShare: 'Remote cells covered', quotasMet: 'Teams meeting their quota',
    duplicates: 'Duplicates across levels', overlaps: 'Overlaps', gap: 'Gap to the bound', visitsPlanned: 'Visits planned',
    loads: 'Load per team', quota: 'Quota', plannedN: 'Planned', doneN: 'Done', shortfalls: 'Shortfalls',
    date: 'Date', cell: 'Cell', why: 'Why', reason_QUOTA: 'Quota', reason_PRIORITY: 'Priority', reason_COVERAGE: 'Coverage',
    reason_PINNED: 'Pinned', reason_OVERRIDE: 'Override', remove: 'Remove', changeReason: 'Reason for the change',
    addVisit: 'Add a visit', meetingId: 'Meeting id', applyChange: 'Apply', approvePlan: 'Approve the plan',
    approvedBy: 'Approved by', sending: 'Sending…', teamReport: 'Team report', teams: 'Supervisory teams',
    visitsDone: 'Visits done', plannedDone: 'Planned and done', unplannedDone: 'Outside the plan', cellsVisited: 'Cells visited',
    grades: 'Grades', good: 'Good', fair: 'Fair', average: 'Average', poor: 'Poor', notScored: 'Not scored',
    recsMade: 'Recommendations made', recsOpen: 'Open', recsDone: 'Done', recsOverdue: 'Overdue',
    proposals: 'The team\'s proposals', saveProposals: 'Save the proposals', print: 'Print', yes: 'Yes', no: 'No',
    reminders: 'Reminders', below: 'Units below too', resolvedToo: 'Resolved ones too', outstanding: 'Outstanding',
    subj_MEETING_NOT_RECORDED: 'Minutes not recorded', subj_RECOMMENDATION_OVERDUE: 'Recommendation overdue', step: 'Addressed to',
    stepSecretary: 'Cell secretary', stepUp: 'Committee above', daysLate: 'days late', resolved: 'Resolved',
    del_DELIVERY_PENDING: 'Waiting', del_DELIVERED: 'Delivered', del_DELIVERY_FAILED: 'Failed', del_DELIVERY_SKIPPED: 'Not needed',
    attempts: 'Delivery attempts', noReminders: 'Nothing to remind', raisedOn: 'Raised on', dueLabel: 'Due',
  },
};
const s = (key) => S[lang.get()][key] ?? t(key);

// The quarters of this year and the next, and the two years.
function periods() {
  const y = Number(today().slice(0, 4));
  const out = [];
  for (const year of [y, y + 1]) {
    for (let q = 1; q <= 4; q++) out.push(`${year}-Q${q}`);
    out.push(String(year));
  }
  return out;
}
export const currentQuarter = () => `${today().slice(0, 4)}-Q${Math.floor((Number(today().slice(5, 7)) - 1) / 3) + 1}`;

function Figure({ label, value, id }) {
  return <div data-figure={id}><dt>{label}</dt><dd>{value}</dd></div>;
}

// A bar per row (CSS only): the chart of planned against done per team.
function Bars({ rows }) {
  const max = Math.max(1, ...rows.flatMap((r) => [r.a, r.b]));
  return (
    <div class="bars" role="img" aria-label={rows.map((r) => `${r.label}: ${r.a} / ${r.b}`).join('; ')}>
      {rows.map((r) => (
        <div class="bar-row" key={r.label}>
          <span class="bar-label">{r.label}</span>
          <span class="bar"><span class="a" style={{ width: `${(100 * r.a) / max}%` }} /></span>
          <span class="bar"><span class="b" style={{ width: `${(100 * r.b) / max}%` }} /></span>
        </div>
      ))}
    </div>
  );
}

// ------------------------------------------------------------ plans

export function VisitPlansPage({ unitId }) {
  const list = useApi(`/api/v1/org-units/${encodeURIComponent(unitId)}/visit-plans`);
  const teams = useApi(`/api/v1/org-units/${encodeURIComponent(unitId)}/teams`);
  const [f, setF] = useState({ period: currentQuarter(), solver: 'MIN_COST_FLOW', max: '' });
  const [done, setDone] = useOutboxEntry();
  useEffect(() => {
    if (done && done.state === 'synced' && done.response && done.response.id) go(`/app/visit-plans/${encodeURIComponent(done.response.id)}`);
  }, [done]);
  const submit = async (e) => {
    e.preventDefault();
    const body = { ownerOrgId: unitId, period: f.period, solver: f.solver, requestId: newRequestId() };
    if (f.max) body.maxVisitsPerTeam = Number(f.max);
    setDone(await outbox.enqueue({ subject: `plans:${unitId}`, label: `${s('propose')}: ${f.period}`, path: '/api/v1/visit-plans', body }));
  };
  const plans = (list.data && list.data.plans) || [];
  const ownTeams = ((teams.data && teams.data.teams) || []).filter((x) => x.ownerOrgId === unitId);
  return (
    <main>
      <h1>{s('visitPlans')}</h1>
      <p class="links"><a href={`/app/units/${encodeURIComponent(unitId)}`}>{t('back')}</a>
        <a href={`/app/units/${encodeURIComponent(unitId)}/reminders`}>{s('reminders')}</a></p>
      <form class="card" onSubmit={submit} aria-labelledby="propose-h" data-propose>
        <h2 id="propose-h">{s('propose')}</h2>
        <div class="row">
          <label>{s('period')}<select name="period" value={f.period} onChange={(e) => setF({ ...f, period: e.target.value })}>
            {periods().map((p) => <option key={p} value={p}>{p}</option>)}</select></label>
          <label>{s('solver')}<select name="solver" value={f.solver} onChange={(e) => setF({ ...f, solver: e.target.value })}>
            {['MIN_COST_FLOW', 'GREEDY'].map((x) => <option key={x} value={x}>{s(`solver_${x}`)}</option>)}</select></label>
          <label>{s('maxPerTeam')}<input name="max" type="number" min="0" max="1000" value={f.max} onInput={(e) => setF({ ...f, max: e.target.value })} /></label>
        </div>
        {done && done.state === 'pending' && <p class="pending" role="status">{s('sending')}</p>}
        {done && done.state === 'refused' && <p class="problem" role="alert">{done.error.message}</p>}
        <button type="submit" class="primary">{s('propose')}</button>
      </form>
      <Problem error={list.error} />
      <section class="card" aria-labelledby="plans-h">
        <h2 id="plans-h">{s('visitPlans')}</h2>
        {plans.length === 0 ? <p class="muted">{s('noPlans')}</p> : (
          <div class="table-wrap"><table data-plans>
            <thead><tr><th>{s('period')}</th><th>{t('status')}</th><th>{s('visitsPlanned')}</th><th>{s('cellsCovered')}</th><th /></tr></thead>
            <tbody>{plans.map((p) => (
              <tr key={p.id} data-plan={p.id}><td>{p.period}</td><td><span class={`badge ${p.status}`}>{s(`planStatus_${p.status}`)}</span></td>
                <td>{num(p.figures.visits)}</td><td>{num(p.figures.cellsCovered)} / {num(p.figures.cells)}</td>
                <td><a href={`/app/visit-plans/${encodeURIComponent(p.id)}`}>{s('open')}</a></td></tr>
            ))}</tbody>
          </table></div>
        )}
      </section>
      {ownTeams.length > 0 && (
        <section class="card" aria-labelledby="teams-h">
          <h2 id="teams-h">{s('teams')}</h2>
          <ul class="units">{ownTeams.map((x) => (
            <li key={x.id}>{x.name} — <a href={`/app/teams/${encodeURIComponent(x.id)}/reports/${currentQuarter()}`}>{s('teamReport')} {currentQuarter()}</a></li>
          ))}</ul>
        </section>
      )}
    </main>
  );
}

export function VisitPlanPage({ id }) {
  const r = useApi(`/api/v1/visit-plans/${encodeURIComponent(id)}`);
  const [sent, setSent] = useOutboxEntry();
  const [reasons, setReasons] = useState({});
  const [add, setAdd] = useState({ meetingId: '', teamId: '', reason: '' });
  const { reload } = r;
  useEffect(() => { if (sent && sent.state === 'synced') reload(); }, [sent && `${sent.requestId}:${sent.state}`]);
  if (r.error) return <main><Problem error={r.error} /></main>;
  if (!r.data) return <main><p>{t('loading')}</p></main>;
  const plan = r.data;
  const f = plan.figures;
  const draft = plan.status === 'DRAFT';
  const change = async (changes, label) => setSent(await outbox.enqueue({
    subject: `plan:${plan.id}`, label, method: 'PATCH', path: `/api/v1/visit-plans/${encodeURIComponent(plan.id)}`,
    body: { changes, etag: plan.etag, requestId: newRequestId() },
  }));
  const approve = async () => setSent(await outbox.enqueue({
    subject: `plan:${plan.id}`, label: `${s('approvePlan')}: ${plan.period}`, path: `/api/v1/visit-plans/${encodeURIComponent(plan.id)}/approve`,
    body: { etag: plan.etag, requestId: newRequestId() },
  }));
  const quarter = /^\d{4}-Q[1-4]$/.test(plan.period) ? plan.period : currentQuarter();
  return (
    <main data-plan-page data-status={plan.status}>
      <h1>{s('visitPlans')} {plan.period} <span class={`badge ${plan.status}`}>{s(`planStatus_${plan.status}`)}</span></h1>
      <p class="links"><a href={`/app/units/${encodeURIComponent(plan.ownerOrgId)}/visit-plans`}>{t('back')}</a></p>
      {sent && sent.state === 'pending' && <p class="pending" role="status">{s('sending')}</p>}
      {sent && sent.state === 'refused' && <p class="problem" role="alert" data-refused>{sent.error.message}
        {(sent.error.fieldViolations || []).map((v) => <span class="field-error" key={v.field}>{v.field}: {v.description}</span>)}</p>}
      <dl class="figures">
        <Figure id="visits" label={s('visitsPlanned')} value={num(f.visits)} />
        <Figure id="cellsCovered" label={s('cellsCovered')} value={`${num(f.cellsCovered)} / ${num(f.cells)}`} />
        <Figure id="remoteShare" label={s('remoteShare')} value={`${num(f.remoteCellsCovered)} / ${num(f.remoteCells)} (${pct(f.remoteShare)})`} />
        <Figure id="quotasMet" label={s('quotasMet')} value={`${num(f.quotasMet)} / ${num(f.teams)}`} />
        <Figure id="duplicates" label={s('duplicates')} value={num(f.duplicates)} />
        <Figure id="overlaps" label={s('overlaps')} value={num(f.overlaps)} />
        <Figure id="gap" label={s('gap')} value={pct(f.gap)} />
        <Figure id="visitsDone" label={s('doneN')} value={num(f.visitsDone)} />
      </dl>
      {plan.approvedBy && <p class="muted">{s('approvedBy')} {plan.approvedBy}, {plan.approvedAt}</p>}
      {(plan.shortfalls || []).length > 0 && (
        <section class="card" aria-labelledby="short-h"><h2 id="short-h">{s('shortfalls')}</h2>
          <ul data-shortfalls>{plan.shortfalls.map((x) => <li key={x}>{x}</li>)}</ul></section>
      )}
      <section class="card" aria-labelledby="loads-h">
        <h2 id="loads-h">{s('loads')}</h2>
        <Bars rows={(plan.loads || []).map((l) => ({ label: l.teamName, a: l.planned, b: l.done }))} />
        <div class="table-wrap"><table data-loads>
          <thead><tr><th>{t('team')}</th><th>{s('quota')}</th><th>{s('plannedN')}</th><th>{s('doneN')}</th><th /></tr></thead>
          <tbody>{(plan.loads || []).map((l) => (
            <tr key={l.teamId}><td>{l.teamName}</td><td>{num(l.quota)}{l.quotaMet ? ' ✓' : ''}</td><td>{num(l.planned)}</td><td>{num(l.done)}</td>
              <td>{!l.teamId.startsWith('member:') && <a href={`/app/teams/${encodeURIComponent(l.teamId)}/reports/${quarter}`}>{s('teamReport')}</a>}</td></tr>
          ))}</tbody>
        </table></div>
      </section>
      <section class="card" aria-labelledby="pv-h">
        <h2 id="pv-h">{s('visitsPlanned')}</h2>
        <div class="table-wrap"><table data-visits>
          <thead><tr><th>{s('date')}</th><th>{s('cell')}</th><th>{t('team')}</th><th>{s('why')}</th><th>{s('doneN')}</th>{draft && <th>{s('changeReason')}</th>}</tr></thead>
          <tbody>{plan.visits.map((v) => (
            <tr key={v.meetingId} data-meeting={v.meetingId}>
              <td>{when(v.startsAt)}</td><td>{v.cellName}{v.remote ? ' ★' : ''}</td><td>{v.teamName}</td>
              <td><span class="badge">{s(`reason_${v.reason}`)}</span> {v.why}{v.overrideReason ? ` — ${v.overrideReason}` : ''}</td>
              <td>{v.done ? s('yes') : s('no')}</td>
              {draft && <td>
                <input aria-label={`${s('changeReason')} ${v.cellName}`} value={reasons[v.meetingId] || ''}
                  onInput={(e) => setReasons({ ...reasons, [v.meetingId]: e.target.value })} />
                <button class="secondary" data-remove={v.meetingId} disabled={!(reasons[v.meetingId] || '').trim()}
                  onClick={() => change([{ meetingId: v.meetingId, remove: true, reason: reasons[v.meetingId] }], `${s('remove')}: ${v.cellName}`)}>{s('remove')}</button>
              </td>}
            </tr>
          ))}</tbody>
        </table></div>
      </section>
      {draft && (
        <form class="card" aria-labelledby="add-h" data-add-visit onSubmit={(e) => {
          e.preventDefault();
          change([{ meetingId: add.meetingId.trim(), teamId: add.teamId, reason: add.reason }], `${s('addVisit')}: ${add.meetingId}`);
        }}>
          <h2 id="add-h">{s('addVisit')}</h2>
          <div class="row">
            <label>{s('meetingId')}<input name="meetingId" required value={add.meetingId} onInput={(e) => setAdd({ ...add, meetingId: e.target.value })} /></label>
            <label>{t('team')}<select name="teamId" required value={add.teamId} onChange={(e) => setAdd({ ...add, teamId: e.target.value })}>
              <option value="" />{(plan.loads || []).map((l) => <option key={l.teamId} value={l.teamId}>{l.teamName}</option>)}</select></label>
            <label>{s('changeReason')}<input name="reason" required value={add.reason} onInput={(e) => setAdd({ ...add, reason: e.target.value })} /></label>
          </div>
          <button type="submit" class="secondary">{s('applyChange')}</button>
        </form>
      )}
      {draft && <p class="actions"><button class="primary" data-approve onClick={approve}>{s('approvePlan')}</button></p>}
    </main>
  );
}

// ------------------------------------------------------------ the team's report

export function TeamReportPage({ teamId, period }) {
  const r = useApi(`/api/v1/teams/${encodeURIComponent(teamId)}/reports/${encodeURIComponent(period)}`);
  const [text, setText] = useState(null);
  const [sent, setSent] = useOutboxEntry();
  const { reload } = r;
  useEffect(() => { if (sent && sent.state === 'synced') { setText(null); reload(); } }, [sent && `${sent.requestId}:${sent.state}`]);
  if (r.error) return <main><Problem error={r.error} /></main>;
  if (!r.data) return <main><p>{t('loading')}</p></main>;
  const rep = r.data;
  const save = async (e) => {
    e.preventDefault();
    setSent(await outbox.enqueue({
      subject: `team-report:${teamId}:${period}`, label: `${s('saveProposals')}: ${rep.teamName} ${period}`, method: 'PUT',
      path: `/api/v1/teams/${encodeURIComponent(teamId)}/reports/${encodeURIComponent(period)}/proposals`,
      body: { proposals: text ?? rep.proposals, etag: rep.proposals ? rep.etag : '', requestId: newRequestId() },
    }));
  };
  const grades = [['good', rep.gradedGood], ['fair', rep.gradedFair], ['average', rep.gradedAverage], ['poor', rep.gradedPoor], ['notScored', rep.notScored]];
  return (
    <main data-team-report>
      <h1>{s('teamReport')}: {rep.teamName} — {period}</h1>
      <p class="links"><a href={`/app/units/${encodeURIComponent(rep.ownerOrgId)}/visit-plans`}>{t('back')}</a>
        <button class="link" onClick={() => window.print()}>{s('print')}</button></p>
      <dl class="figures">
        <Figure id="visitsPlanned" label={s('visitsPlanned')} value={num(rep.visitsPlanned)} />
        <Figure id="plannedDone" label={s('plannedDone')} value={num(rep.plannedDone)} />
        <Figure id="unplannedDone" label={s('unplannedDone')} value={num(rep.unplannedDone)} />
        <Figure id="cellsVisited" label={s('cellsVisited')} value={num(rep.cellsVisited)} />
        <Figure id="recsMade" label={s('recsMade')} value={num(rep.recommendationsMade)} />
        <Figure id="recsDone" label={s('recsDone')} value={num(rep.recommendationsDone)} />
        <Figure id="recsOverdue" label={s('recsOverdue')} value={num(rep.recommendationsOverdue)} />
      </dl>
      <section class="card" aria-labelledby="grades-h">
        <h2 id="grades-h">{s('grades')}</h2>
        <Bars rows={grades.map(([k, v]) => ({ label: s(k), a: v, b: 0 }))} />
      </section>
      <section class="card" aria-labelledby="tv-h">
        <h2 id="tv-h">{s('visitsDone')}</h2>
        <div class="table-wrap"><table data-team-visits>
          <thead><tr><th>{s('date')}</th><th>{s('cell')}</th><th>{s('plannedN')}</th><th>{s('doneN')}</th><th>{t('score')}</th></tr></thead>
          <tbody>{(rep.visits || []).map((v) => (
            <tr key={v.meetingId}><td>{when(v.date)}</td><td><a href={`/app/meetings/${encodeURIComponent(v.meetingId)}`}>{v.cellName}</a>{v.remote ? ' ★' : ''}</td>
              <td>{v.planned ? s('yes') : s('no')}</td><td>{v.done ? s('yes') : s('no')}</td><td>{v.score ? num(v.score) : ''}</td></tr>
          ))}</tbody>
        </table></div>
      </section>
      {(rep.recommendations || []).length > 0 && (
        <section class="card" aria-labelledby="tr-h">
          <h2 id="tr-h">{t('recommendations')}</h2>
          <ul>{rep.recommendations.map((x) => (
            <li key={x.recommendationId}>{x.cellName}: {x.text} ({s('dueLabel')} {when(x.dueOn)}) — {x.status === 'DONE' ? s('recsDone') : x.overdue ? s('recsOverdue') : s('recsOpen')}</li>
          ))}</ul>
        </section>
      )}
      <form class="card" onSubmit={save} aria-labelledby="prop-h" data-proposals>
        <h2 id="prop-h">{s('proposals')}</h2>
        <textarea name="proposals" rows="5" maxLength="20000" aria-labelledby="prop-h" value={text ?? rep.proposals}
          onInput={(e) => setText(e.target.value)} />
        {sent && sent.state === 'refused' && <p class="problem" role="alert">{sent.error.message}</p>}
        <button type="submit" class="primary">{s('saveProposals')}</button>
      </form>
      <pre class="report-text" data-report-text>{rep.text}</pre>
    </main>
  );
}

// ------------------------------------------------------------ reminders

// The audit of one reminder's deliveries, read when opened.
function Attempts({ id }) {
  const [open, setOpen] = useState(false);
  const r = useApi(open ? `/api/v1/reminders/${encodeURIComponent(id)}` : '');
  const a = (r.data && r.data.deliveryAttempts) || [];
  return (
    <details onToggle={(e) => setOpen(e.target.open)}>
      <summary>{s('attempts')}</summary>
      <Problem error={r.error} />
      {r.data && (a.length ? <ul data-attempts>{a.map((x) => <li key={x.attempt}>#{x.attempt} {x.at}: {x.httpStatus || '—'} {x.error}</li>)}</ul>
        : <p class="muted">{s('del_DELIVERY_PENDING')}</p>)}
    </details>
  );
}

export function RemindersPage({ unitId }) {
  const [below, setBelow] = useState(true);
  const [resolved, setResolved] = useState(false);
  const r = useApi(`/api/v1/org-units/${encodeURIComponent(unitId)}/reminders?${query({ below: below ? 'true' : '', include_resolved: resolved ? 'true' : '', page_size: 200 })}`, [below, resolved]);
  const list = (r.data && r.data.reminders) || [];
  return (
    <main>
      <h1>{s('reminders')}</h1>
      <p class="links"><a href={`/app/units/${encodeURIComponent(unitId)}`}>{t('back')}</a></p>
      <p class="actions">
        <label><input type="checkbox" checked={below} onChange={(e) => setBelow(e.target.checked)} />{s('below')}</label>
        <label><input type="checkbox" checked={resolved} onChange={(e) => setResolved(e.target.checked)} />{s('resolvedToo')}</label>
      </p>
      <Problem error={r.error} />
      {r.data && <p data-outstanding={r.data.outstanding}>{s('outstanding')}: <strong>{num(r.data.outstanding)}</strong></p>}
      {r.data && list.length === 0 && <p class="muted">{s('noReminders')}</p>}
      <ul class="meetings" data-reminders>
        {list.map((x) => (
          <li key={x.id} class="card" data-reminder={x.id} data-step={x.step}>
            <p><span class="badge">{s(`subj_${x.subject}`)}</span> <strong>{x.cellName}</strong> — {when(x.itemDate)} · {num(x.daysLate)} {s('daysLate')}
              {x.resolvedAt && <span class="badge HELD"> {s('resolved')}</span>}</p>
            <p>{s('step')}: {x.step === 0 ? s('stepSecretary') : `${s('stepUp')} (${x.recipientName})`} · {s('raisedOn')} {when(x.raisedOn)} ·{' '}
              <span class={`badge ${x.delivery}`}>{s(`del_${x.delivery}`)}</span></p>
            {lang.get() === 'vi' && <p class="muted">{x.text}</p>}
            {x.subject === 'MEETING_NOT_RECORDED' && <p><a href={`/app/meetings/${encodeURIComponent(x.subjectId)}`}>{t('record')}</a></p>}
            <Attempts id={x.id} />
          </li>
        ))}
      </ul>
    </main>
  );
}
