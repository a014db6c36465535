// The roll (đảng số) of a unit: its members with standing, status and
// positions, searchable without diacritics (the registry's search key), and
// a member's page with their history. Personal data (citizen id, phone) is
// masked by the registry for roles that may not see it.
import { useState } from 'preact/hooks';
import { query } from './api.js';
import { lang, num, t, when } from './i18n.js';
import { Problem, useApi } from './shared.jsx';

const LABELS = {
  vi: {
    OFFICIAL: 'Chính thức', PROBATIONARY: 'Dự bị', ACTIVE: 'Đang sinh hoạt', EXEMPTED: 'Miễn sinh hoạt', TEMPORARILY_AWAY: 'Sinh hoạt tạm thời nơi khác',
    SUSPENDED: 'Đình chỉ sinh hoạt', REMOVED: 'Xóa tên', EXPELLED: 'Khai trừ', DECEASED: 'Từ trần', MALE: 'Nam', FEMALE: 'Nữ',
    SECRETARY: 'Bí thư', DEPUTY_SECRETARY: 'Phó bí thư', CELL_COMMITTEE_MEMBER: 'Chi ủy viên', COMMITTEE_MEMBER: 'Cấp ủy viên',
    STANDING_COMMITTEE_MEMBER: 'Ủy viên ban thường vụ', ADMITTED: 'Kết nạp', BECAME_OFFICIAL: 'Chuyển chính thức',
    TEMPORARY_TRANSFER_OUT: 'Chuyển sinh hoạt tạm thời đi', TEMPORARY_TRANSFER_RETURN: 'Trở về sau sinh hoạt tạm thời', OFFICIAL_TRANSFER: 'Chuyển sinh hoạt chính thức',
    EXEMPTION_STARTED: 'Bắt đầu miễn sinh hoạt', EXEMPTION_ENDED: 'Hết miễn sinh hoạt', SUSPENSION_STARTED: 'Bắt đầu đình chỉ', SUSPENSION_ENDED: 'Hết đình chỉ',
    REMOVAL: 'Xóa tên', EXPULSION: 'Khai trừ', DEATH: 'Từ trần', POSITION_ASSIGNED: 'Nhận chức vụ', POSITION_ENDED: 'Thôi chức vụ',
  },
  en: {
    OFFICIAL: 'Official', PROBATIONARY: 'Probationary', ACTIVE: 'Active', EXEMPTED: 'Exempted', TEMPORARILY_AWAY: 'Away on temporary transfer',
    SUSPENDED: 'Suspended', REMOVED: 'Removed', EXPELLED: 'Expelled', DECEASED: 'Deceased', MALE: 'Male', FEMALE: 'Female',
    SECRETARY: 'Secretary', DEPUTY_SECRETARY: 'Deputy secretary', CELL_COMMITTEE_MEMBER: 'Cell committee member', COMMITTEE_MEMBER: 'Committee member',
    STANDING_COMMITTEE_MEMBER: 'Standing committee member', ADMITTED: 'Admitted', BECAME_OFFICIAL: 'Became official',
    TEMPORARY_TRANSFER_OUT: 'Temporary transfer out', TEMPORARY_TRANSFER_RETURN: 'Returned from temporary transfer', OFFICIAL_TRANSFER: 'Transferred',
    EXEMPTION_STARTED: 'Exemption started', EXEMPTION_ENDED: 'Exemption ended', SUSPENSION_STARTED: 'Suspension started', SUSPENSION_ENDED: 'Suspension ended',
    REMOVAL: 'Removed', EXPULSION: 'Expelled', DEATH: 'Died', POSITION_ASSIGNED: 'Position assigned', POSITION_ENDED: 'Position ended',
  },
};
export const label = (v) => LABELS[lang.get()][v] || v || '';

const currentPositions = (m) => (m.positions || []).filter((p) => !p.validTo).map((p) => label(p.position)).join(', ');

export function RollPage({ unitId }) {
  const [q, setQ] = useState(new URLSearchParams(location.search).get('q') || '');
  const [asked, setAsked] = useState(q);
  const unit = useApi(`/api/v1/org-units/${encodeURIComponent(unitId)}`);
  const r = useApi(`/api/v1/org-units/${encodeURIComponent(unitId)}/members?${query({ subtree: 'true', query: asked, page_size: 200 })}`);
  const search = (e) => {
    e.preventDefault();
    history.replaceState(null, '', `${location.pathname}${q ? `?q=${encodeURIComponent(q)}` : ''}`);
    setAsked(q);
  };
  if (r.error) return <main><Problem error={r.error} /></main>;
  const members = (r.data && r.data.members) || [];
  return (
    <main>
      <h1>{t('roll')}{unit.data ? ` — ${unit.data.name}` : ''}</h1>
      <p><a href={`/app/units/${encodeURIComponent(unitId)}`}>← {t('back')}</a></p>
      <form class="row" role="search" onSubmit={search}>
        <label>{t('searchMembers')}<input name="q" value={q} onInput={(e) => setQ(e.target.value)} maxLength={100} /></label>
        <button type="submit" class="secondary">{t('search')}</button>
      </form>
      {!r.data ? <p>{t('loading')}</p> : (
        <div class="table-wrap">
          <table class="members">
            <caption>{num(members.length)} {t('membersShown')}{r.data.nextPageToken ? ' (200+)' : ''}</caption>
            <thead><tr><th scope="col">{t('fullName')}</th><th scope="col">{t('standing')}</th><th scope="col">{t('status')}</th><th scope="col">{t('position')}</th><th scope="col">{t('phone')}</th></tr></thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.id} data-member={m.id}>
                  <td><a href={`/app/members/${encodeURIComponent(m.id)}`}>{m.fullName}</a></td>
                  <td>{label(m.standing)}</td><td>{label(m.status)}</td><td>{currentPositions(m)}</td>
                  <td data-phone>{m.phone}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}

export function MemberPage({ id }) {
  const m = useApi(`/api/v1/members/${encodeURIComponent(id)}`);
  const ev = useApi(`/api/v1/members/${encodeURIComponent(id)}/events`);
  if (m.error) return <main><Problem error={m.error} /></main>;
  if (!m.data) return <main><p>{t('loading')}</p></main>;
  const x = m.data;
  return (
    <main>
      <p><a href={`/app/units/${encodeURIComponent(x.homeCellId)}/members`}>← {t('roll')}</a></p>
      <h1>{x.fullName}</h1>
      <dl class="facts card">
        <div><dt>{t('cardNumber')}</dt><dd>{x.cardNumber}</dd></div>
        <div><dt>{t('standing')}</dt><dd>{label(x.standing)}</dd></div>
        <div><dt>{t('status')}</dt><dd>{label(x.status)}</dd></div>
        <div><dt>{t('sex')}</dt><dd>{label(x.sex)}</dd></div>
        <div><dt>{t('birthDate')}</dt><dd>{when(x.birthDate)}</dd></div>
        <div><dt>{t('admittedOn')}</dt><dd>{when(x.admittedOn)}</dd></div>
        <div><dt>{t('officialOn')}</dt><dd>{when(x.officialOn)}</dd></div>
        <div><dt>{t('citizenId')}</dt><dd data-citizen-id>{x.citizenId}</dd></div>
        <div><dt>{t('phone')}</dt><dd data-phone>{x.phone}</dd></div>
      </dl>
      {x.piiMasked && <p class="notice" data-masked>{t('masked')}</p>}
      <section class="card" aria-labelledby="cells-h">
        <h2 id="cells-h">{t('cells')}</h2>
        <ul>{(x.homeCellHistory || []).map((c) => (
          <li key={c.cellId + c.validFrom}><a href={`/app/units/${encodeURIComponent(c.cellId)}`}>{c.cellId}</a>: {when(c.validFrom)} – {c.validTo ? when(c.validTo) : t('now')}</li>
        ))}</ul>
        <h2>{t('position')}</h2>
        <ul>{(x.positions || []).map((p) => (
          <li key={p.orgUnitId + p.position + p.validFrom}>{label(p.position)} ({p.orgUnitId}): {when(p.validFrom)} – {p.validTo ? when(p.validTo) : t('now')}</li>
        ))}</ul>
      </section>
      <section class="card" aria-labelledby="events-h">
        <h2 id="events-h">{t('history')}</h2>
        {ev.error ? <Problem error={ev.error} /> : (
          <ul>{((ev.data && ev.data.events) || []).map((e) => (
            <li key={e.id}>{when(e.effectiveOn)} — {label(e.kind)}{e.toCellId ? ` → ${e.toCellId}` : ''}{e.reason ? ` (${e.reason})` : ''}</li>
          ))}</ul>
        )}
      </section>
    </main>
  );
}
