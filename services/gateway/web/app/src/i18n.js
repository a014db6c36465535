// Vietnamese first, English on request; numbers and dates in the
// language's own style (1.234; 90,1%; 02/12/2026).
import { signal } from './signal.js';

const STRINGS = {
  vi: {
    appTitle: 'Sinh hoạt chi bộ', signIn: 'Đăng nhập', signOut: 'Đăng xuất', username: 'Tên đăng nhập',
    password: 'Mật khẩu', wrongLogin: 'Sai tên đăng nhập hoặc mật khẩu', language: 'English',
    myUnit: 'Đơn vị của tôi', dashboard: 'Báo cáo', loading: 'Đang tải…', offlineBanner: 'Đang ngoại tuyến — dữ liệu ghi sẽ được gửi khi có mạng',
    nextMeetings: 'Buổi sinh hoạt sắp tới', lastMeetings: 'Buổi sinh hoạt gần đây', overdue: 'Quá hạn chưa ghi biên bản',
    none: 'Không có', compliance: 'Chấp hành sinh hoạt năm', regularHeld: 'Sinh hoạt định kỳ đã tổ chức',
    attendance: 'Tỷ lệ đảng viên dự', meetingsHeld: 'Số buổi đã sinh hoạt', unrecorded: 'Buổi chưa ghi biên bản',
    children: 'Tổ chức trực thuộc', members: 'Đảng viên', meeting: 'Buổi sinh hoạt', back: 'Quay lại',
    planned: 'Dự kiến', place: 'Địa điểm', status: 'Trạng thái', record: 'Ghi biên bản', rollCall: 'Điểm danh',
    present: 'Có mặt', excused: 'Vắng có lý do', unexcused: 'Vắng không lý do', reason: 'Lý do',
    visitors: 'Đảng viên sinh hoạt tạm thời (không tính vào đảng số)', actualStart: 'Bắt đầu', actualEnd: 'Kết thúc',
    speakers: 'Số đảng viên phát biểu', opinions: 'Số ý kiến', resolution: 'Nghị quyết', selfScore: 'Tự chấm điểm (0–100)',
    save: 'Lưu biên bản', approve: 'Thông qua biên bản', approved: 'Biên bản đã thông qua — chỉ đọc',
    postpone: 'Hoãn', cancel: 'Hủy buổi', pending: 'Đang chờ gửi', synced: 'Đã gửi', refused: 'Bị từ chối',
    outbox: 'Dữ liệu chờ đồng bộ', expectedCount: 'Phải dự', presentCount: 'Có mặt', tasks: 'Phân công thực hiện',
    addTask: 'Thêm việc', assignee: 'Người thực hiện', dueOn: 'Hạn', description: 'Nội dung',
    reviewTasks: 'Kiểm điểm việc của buổi trước', done: 'Đã làm', notDone: 'Chưa làm', note: 'Ghi chú',
    draftKept: 'Bản nháp được lưu trên máy này', notFound: 'Không tìm thấy', forbidden: 'Không có quyền xem',
    dismiss: 'Bỏ qua', reasonRequired: 'Cần ghi lý do', error: 'Lỗi',
    visits: 'Cấp ủy cấp trên dự sinh hoạt', level_PROVINCE_LEVEL: 'Cấp tỉnh', level_DISTRICT_LEVEL: 'Cấp huyện / xã', level_BASE_LEVEL: 'Đảng ủy cơ sở', notDoneYet: 'Chưa làm — ghi chú', score: 'Điểm',
    grade: 'Xếp loại', followUp: 'Theo dõi kiến nghị', rec_OPEN: 'Chưa thực hiện', rec_DONE: 'Đã thực hiện',
    recordVisit: 'Ghi kết quả dự sinh hoạt', visitRecorded: 'Đã ghi kết quả dự', team: 'Tổ công tác', attendees: 'Thành viên đi dự',
    rubric: 'Chấm điểm theo tiêu chí', overall: 'Đánh giá chung', observations: 'Nhận xét', recommendations: 'Kiến nghị',
    recommendation: 'Kiến nghị', addRecommendation: 'Thêm kiến nghị',
    roll: 'Đảng viên', searchMembers: 'Tìm theo tên hoặc số thẻ (không cần dấu)', search: 'Tìm', membersShown: 'đảng viên',
    fullName: 'Họ và tên', standing: 'Đảng viên', position: 'Chức vụ', phone: 'Điện thoại', cardNumber: 'Số thẻ đảng viên',
    sex: 'Giới tính', birthDate: 'Ngày sinh', admittedOn: 'Ngày vào Đảng', officialOn: 'Ngày chính thức', citizenId: 'Số CCCD',
    masked: 'Một số thông tin cá nhân được che theo quyền của bạn', cells: 'Nơi sinh hoạt', now: 'nay', history: 'Quá trình',
    accounts: 'Tài khoản', newAccount: 'Tạo tài khoản', accountCreated: 'Đã tạo tài khoản', displayName: 'Tên hiển thị', role: 'Vai trò',
    scopeUnit: 'Phạm vi (mã đơn vị)', member: 'Đảng viên', initialPassword: 'Mật khẩu ban đầu (ít nhất 10 ký tự)', create: 'Tạo',
    newPassword: 'Mật khẩu mới', resetPassword: 'Đặt lại mật khẩu', disable: 'Khóa', enable: 'Mở khóa', disabled: 'Đã khóa',
    changePassword: 'Đổi mật khẩu của tôi', oldPassword: 'Mật khẩu hiện tại', passwordChanged: 'Đã đổi mật khẩu',
    role_secretary: 'Bí thư chi bộ', role_supervisor: 'Giám sát, dự sinh hoạt', role_viewer: 'Chỉ xem', role_admin: 'Quản trị',
    addMeeting: 'Thêm buổi sinh hoạt', meetingAdded: 'Đã thêm buổi sinh hoạt — mở', kind: 'Loại', thematicPlan: 'Kế hoạch sinh hoạt chuyên đề',
    topics: 'Chuyên đề theo quý', quarter: 'Quý', topic: 'Chuyên đề', addTopic: 'Thêm chuyên đề', savePlan: 'Lưu kế hoạch', submitPlan: 'Trình cấp trên',
    saved: 'Đã lưu', submitted: 'Đã trình', plan_DRAFT: 'Dự thảo', plan_SUBMITTED: 'Đã trình', plan_APPROVED: 'Đã duyệt', plan_RETURNED: 'Trả lại',
    followed: 'Chi bộ tôi theo dõi', myTeams: 'Tổ công tác của tôi', upcoming: 'Buổi sắp tới',
    signOutOffline: 'Cần có mạng để đăng xuất', signOutPending: 'Còn dữ liệu chưa gửi; đăng xuất sẽ xóa chúng khỏi máy này. Vẫn đăng xuất?',
    signInToSend: 'Phiên đăng nhập đã hết hạn: đăng nhập lại để gửi dữ liệu đang chờ.',
    plansWaiting: 'Kế hoạch chuyên đề chờ duyệt', yearLabel: 'Năm',
    alone: 'Đi một mình (cấp ủy viên theo dõi chi bộ)', onBehalfOf: 'Thay mặt cấp ủy', noSeat: 'Đồng chí này không là cấp ủy viên của cấp trên chi bộ vào ngày đó',
    membersAtRisk: 'Đảng viên vắng sinh hoạt 3 lần liên tiếp hoặc 3 tháng không lý do trong năm', absenceRun: 'Vắng liên tiếp (buổi)', unexcusedMonths: 'Tháng vắng không lý do',
    guests: 'Khách mời, cấp ủy cấp trên dự', guestName: 'Họ tên', guestTitle: 'Chức vụ', guestSuperior: 'Cấp ủy cấp trên', addGuest: 'Thêm người dự',
    actions: 'Việc cần làm', membersNav: 'Đảng viên', unitName: 'Tổ chức', parentUnit: 'Trực thuộc', asOf: 'Tính đến',
    noMeetingThisMonth: 'Chi bộ chưa sinh hoạt định kỳ tháng', notRecordedAfter: 'Buổi đã qua chưa ghi biên bản sau', days: 'ngày',
    notVisitedThisYear: 'Chi bộ chưa được cấp trên dự năm nay', overdueRecommendations: 'Kiến nghị quá hạn chưa thực hiện',
    reminders: 'Nhắc việc', visitPlans: 'Kế hoạch dự sinh hoạt',
  },
  en: {
    appTitle: 'Party cell meetings', signIn: 'Sign in', signOut: 'Sign out', username: 'User name',
    password: 'Password', wrongLogin: 'Wrong user name or password', language: 'Tiếng Việt',
    myUnit: 'My unit', dashboard: 'Reports', loading: 'Loading…', offlineBanner: 'Offline — what you record is sent when the network returns',
    nextMeetings: 'Next meetings', lastMeetings: 'Recent meetings', overdue: 'Past, minutes not recorded',
    none: 'None', compliance: 'Meetings held in', regularHeld: 'Regular meetings held',
    attendance: 'Attendance rate', meetingsHeld: 'Meetings held', unrecorded: 'Meetings not recorded',
    children: 'Units below', members: 'Members', meeting: 'Meeting', back: 'Back',
    planned: 'Planned', place: 'Place', status: 'Status', record: 'Record the minutes', rollCall: 'Roll call',
    present: 'Present', excused: 'Excused', unexcused: 'Unexcused', reason: 'Reason',
    visitors: 'Members here on temporary transfer (not counted)', actualStart: 'Started', actualEnd: 'Ended',
    speakers: 'Members who spoke', opinions: 'Opinions', resolution: 'Resolution', selfScore: 'Self-grade (0–100)',
    save: 'Save the minutes', approve: 'Approve the minutes', approved: 'Minutes approved — read-only',
    postpone: 'Postpone', cancel: 'Cancel meeting', pending: 'Waiting to send', synced: 'Sent', refused: 'Refused',
    outbox: 'Waiting to sync', expectedCount: 'Expected', presentCount: 'Present', tasks: 'Tasks assigned',
    addTask: 'Add a task', assignee: 'Assignee', dueOn: 'Due', description: 'What',
    reviewTasks: 'Review of the last meeting\'s tasks', done: 'Done', notDone: 'Not done', note: 'Note',
    draftKept: 'The draft is kept on this device', notFound: 'Not found', forbidden: 'Not allowed to see this',
    dismiss: 'Dismiss', reasonRequired: 'A reason is needed', error: 'Error',
    visits: 'Visits by superior committees', level_PROVINCE_LEVEL: 'Provincial', level_DISTRICT_LEVEL: 'District / commune', level_BASE_LEVEL: 'Base committee', notDoneYet: 'Not done yet — note', score: 'Score',
    grade: 'Grade', followUp: 'Follow-up', rec_OPEN: 'Open', rec_DONE: 'Done',
    recordVisit: 'Record a visit', visitRecorded: 'Visit recorded', team: 'Team', attendees: 'Who went',
    rubric: 'Score per criterion', overall: 'Overall', observations: 'Observations', recommendations: 'Recommendations',
    recommendation: 'Recommendation', addRecommendation: 'Add a recommendation',
    roll: 'Members', searchMembers: 'Search by name or card number (no diacritics needed)', search: 'Search', membersShown: 'members',
    fullName: 'Full name', standing: 'Standing', position: 'Position', phone: 'Phone', cardNumber: 'Party card number',
    sex: 'Sex', birthDate: 'Born', admittedOn: 'Admitted', officialOn: 'Official since', citizenId: 'Citizen ID',
    masked: 'Some personal data is masked for your role', cells: 'Cells', now: 'now', history: 'History',
    accounts: 'Accounts', newAccount: 'New account', accountCreated: 'Account created', displayName: 'Display name', role: 'Role',
    scopeUnit: 'Scope (unit id)', member: 'Member', initialPassword: 'First password (at least 10 characters)', create: 'Create',
    newPassword: 'New password', resetPassword: 'Reset password', disable: 'Disable', enable: 'Enable', disabled: 'Disabled',
    changePassword: 'Change my password', oldPassword: 'Current password', passwordChanged: 'Password changed',
    role_secretary: 'Cell secretary', role_supervisor: 'Supervisor', role_viewer: 'Viewer', role_admin: 'Admin',
    addMeeting: 'Add a meeting', meetingAdded: 'Meeting added — open it', kind: 'Kind', thematicPlan: 'Thematic plan',
    topics: 'Topics by quarter', quarter: 'Quarter', topic: 'Topic', addTopic: 'Add a topic', savePlan: 'Save the plan', submitPlan: 'Submit for review',
    saved: 'Saved', submitted: 'Submitted', plan_DRAFT: 'Draft', plan_SUBMITTED: 'Submitted', plan_APPROVED: 'Approved', plan_RETURNED: 'Returned',
    followed: 'Cells I follow', myTeams: 'My teams', upcoming: 'Upcoming meetings',
    signOutOffline: 'Signing out needs the network', signOutPending: 'Some writes are not sent yet; signing out deletes them from this device. Sign out anyway?',
    signInToSend: 'The session has expired: sign in again to send what is waiting.',
    plansWaiting: 'Thematic plans waiting for review', yearLabel: 'Year',
    alone: 'Alone (committee member following the cell)', onBehalfOf: 'On behalf of the committee', noSeat: 'This member sits on no committee above the cell on that day',
    membersAtRisk: 'Members absent three meetings running or three months without reason this year', absenceRun: 'Absent in a row (meetings)', unexcusedMonths: 'Months absent without reason',
    guests: 'Guests and superiors attending', guestName: 'Name', guestTitle: 'Title', guestSuperior: 'Superior committee', addGuest: 'Add a guest',
    actions: 'To do', membersNav: 'Members', unitName: 'Unit', parentUnit: 'Under', asOf: 'As of',
    noMeetingThisMonth: 'Cells with no regular meeting held in', notRecordedAfter: 'Past meetings not recorded after', days: 'days',
    notVisitedThisYear: 'Cells not visited this year', overdueRecommendations: 'Recommendations past due',
    reminders: 'Reminders', visitPlans: 'Visit plans',
  },
};

const STATUS = {
  vi: { PLANNED: 'Dự kiến', HELD: 'Đã sinh hoạt', MINUTES_APPROVED: 'Đã thông qua biên bản', POSTPONED: 'Hoãn', CANCELLED: 'Hủy' },
  en: { PLANNED: 'Planned', HELD: 'Held', MINUTES_APPROVED: 'Minutes approved', POSTPONED: 'Postponed', CANCELLED: 'Cancelled' },
};
const KIND = {
  vi: { REGULAR: 'Định kỳ', THEMATIC: 'Chuyên đề', REGULAR_AND_THEMATIC: 'Định kỳ kết hợp chuyên đề', COMMITTEE: 'Họp cấp ủy' },
  en: { REGULAR: 'Regular', THEMATIC: 'Thematic', REGULAR_AND_THEMATIC: 'Regular and thematic', COMMITTEE: 'Committee' },
};

export const lang = signal(localStorage.getItem('chibo.lang') === 'en' ? 'en' : 'vi');
export function setLang(l) {
  localStorage.setItem('chibo.lang', l);
  document.documentElement.lang = l;
  lang.set(l);
}
document.documentElement.lang = lang.get();

export const t = (key) => STRINGS[lang.get()][key] ?? key;
export const statusLabel = (s) => STATUS[lang.get()][s] ?? s;
export const kindLabel = (k) => KIND[lang.get()][k] ?? k;
const locale = () => (lang.get() === 'vi' ? 'vi-VN' : 'en-GB');
export const num = (n) => new Intl.NumberFormat(locale()).format(n ?? 0);
export const pct = (x) => new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(x ?? 0);
// "2026-12-02T19:30" → "19:30, 02/12/2026" (vi) or "02/12/2026, 19:30" (en)
export function when(local) {
  if (!local) return '';
  const [d, time = ''] = local.split('T');
  const [y, m, day] = d.split('-');
  const date = `${day}/${m}/${y}`;
  if (!time) return date;
  return lang.get() === 'vi' ? `${time}, ${date}` : `${date}, ${time}`;
}
