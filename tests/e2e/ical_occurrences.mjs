// Expands an iCalendar file with ical.js, independently of libical, and
// prints each occurrence's local start "YYYY-MM-DDTHH:MM" (one per line,
// sorted) between two dates inclusive. Overrides (RECURRENCE-ID) replace
// their occurrence; EXDATEs remove theirs.
//   node ical_occurrences.mjs FILE.ics FROM TO
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

const [file, from, to] = process.argv.slice(2);
const jcal = ICAL.parse(readFileSync(file, 'utf8'));
const calendar = new ICAL.Component(jcal);
for (const tz of calendar.getAllSubcomponents('vtimezone')) {
  ICAL.TimezoneService.register(tz);
}
const pad = (n) => String(n).padStart(2, '0');
const local = (t) => `${t.year}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}`;

const events = calendar.getAllSubcomponents('vevent');
const overrides = new Map();  // uid → [exception events]
for (const ve of events) {
  if (ve.hasProperty('recurrence-id')) {
    const uid = ve.getFirstPropertyValue('uid');
    if (!overrides.has(uid)) overrides.set(uid, []);
    overrides.get(uid).push(new ICAL.Event(ve));
  }
}
const out = [];
for (const ve of events) {
  if (ve.hasProperty('recurrence-id')) continue;
  const event = new ICAL.Event(ve);
  for (const ex of overrides.get(event.uid) || []) event.relateException(ex);
  if (!event.isRecurring()) {
    out.push(local(event.startDate));
    continue;
  }
  const it = event.iterator();
  for (let next = it.next(), guard = 0; next && guard < 100000; next = it.next(), ++guard) {
    const details = event.getOccurrenceDetails(next);
    if (local(next).slice(0, 10) > to) break;
    out.push(local(details.startDate));
  }
}
for (const start of out.filter((s) => s.slice(0, 10) >= from && s.slice(0, 10) <= to).sort()) {
  console.log(start);
}
