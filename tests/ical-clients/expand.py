"""Reads an iCalendar file on stdin and prints, as JSON, the occurrences that Python's
icalendar + recurring-ical-events see between argv[1] and argv[2] (ISO instants): one object
per occurrence with uid, start/end in UTC, status and summary, sorted by start then uid.

Usage: .venv/bin/python expand.py 2027-01-01T00:00:00Z 2028-01-01T00:00:00Z < feed.ics
"""
import datetime
import json
import sys

import icalendar
import recurring_ical_events


def instant(arg):
    return datetime.datetime.fromisoformat(arg.replace("Z", "+00:00"))


def utc(value):
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
out = []
for ev in recurring_ical_events.of(cal).between(instant(sys.argv[1]), instant(sys.argv[2])):
    out.append(
        {
            "uid": str(ev["UID"]),
            "start": utc(ev.decoded("DTSTART")),
            "end": utc(ev.decoded("DTEND")),
            "status": str(ev.get("STATUS", "")),
            "summary": str(ev.get("SUMMARY", "")),
        }
    )
out.sort(key=lambda o: (o["start"], o["uid"]))
json.dump(out, sys.stdout, ensure_ascii=False)
