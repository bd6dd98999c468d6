// Reads an iCalendar file on stdin and prints, as JSON, the occurrences Mozilla's ical.js (the
// parser of Thunderbird) sees between argv[2] and argv[3] (ISO instants): one object per
// occurrence with uid, start/end in UTC, status and summary, sorted by start then uid.
// Usage: node expand.mjs 2027-01-01T00:00:00Z 2028-01-01T00:00:00Z < feed.ics
import ICAL from 'ical.js';
import { readFileSync } from 'node:fs';

const text = readFileSync(0, 'utf8');
const from = ICAL.Time.fromJSDate(new Date(process.argv[2]), true);
const to = ICAL.Time.fromJSDate(new Date(process.argv[3]), true);
const cal = new ICAL.Component(ICAL.parse(text));
for (const vtz of cal.getAllSubcomponents('vtimezone')) {
  ICAL.TimezoneService.register(vtz);
}
const iso = (t) => t.toJSDate().toISOString().replace(/\.\d{3}Z$/, 'Z');
const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
const masters = new Map();
const orphans = [];
for (const e of events) if (!e.isRecurrenceException()) masters.set(e.uid, e);
for (const e of events) {
  if (!e.isRecurrenceException()) continue;
  const m = masters.get(e.uid);
  if (m) m.relateException(e); else orphans.push(e);
}
const out = [];
const push = (uid, start, end, item) => {
  if (end.compare(from) <= 0 || start.compare(to) >= 0) return;
  out.push({
    uid,
    start: iso(start),
    end: iso(end),
    status: item.component.getFirstPropertyValue('status') || '',
    summary: item.summary || '',
  });
};
for (const m of [...masters.values(), ...orphans]) {
  if (!m.isRecurring() || m.isRecurrenceException()) {
    push(m.uid, m.startDate, m.endDate, m);
    continue;
  }
  const it = m.iterator();
  let next;
  let guard = 0;
  while ((next = it.next()) && guard++ < 10000) {
    if (next.compare(to) >= 0) break;
    const d = m.getOccurrenceDetails(next);
    push(m.uid, d.startDate, d.endDate, d.item);
  }
}
out.sort((a, b) => (a.start + a.uid).localeCompare(b.start + b.uid));
process.stdout.write(JSON.stringify(out));
