"""Parses the messages a sink stored and prints them as JSON, for the Rust tests to check.

Usage: read.py DIR

For each message: its headers (decoded per RFC 2047), the MIME structure, the plain text, the
HTML, and for each text/calendar part its Content-Type parameters and the events as the
`icalendar` library reads them (METHOD, UID, SEQUENCE, STATUS, DTSTART with its zone, ORGANIZER,
ATTENDEEs with PARTSTAT), plus the raw calendar text for the byte-level lint.
"""
import email
import email.policy
import glob
import json
import os
import sys

import icalendar


def calendar_of(text):
    cal = icalendar.Calendar.from_ical(text)
    events = []
    for ev in cal.walk("VEVENT"):
        start = ev.decoded("DTSTART")
        attendees = ev.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        events.append({
            "uid": str(ev.get("UID")),
            "sequence": int(ev.get("SEQUENCE", 0)),
            "status": str(ev.get("STATUS", "")),
            "summary": str(ev.get("SUMMARY", "")),
            "dtstart": start.isoformat(),
            "dtstart_tzid": ev["DTSTART"].params.get("TZID"),
            "organizer": str(ev.get("ORGANIZER", "")),
            "attendees": [
                {"address": str(a), "partstat": a.params.get("PARTSTAT"), "cn": a.params.get("CN")}
                for a in attendees
            ],
        })
    return {"method": str(cal.get("METHOD", "")), "events": events}


def raw_header(path, name):
    with open(path, "rb") as f:
        head = f.read().split(b"\r\n\r\n", 1)[0]
    lines, found = head.split(b"\r\n"), b""
    for i, line in enumerate(lines):
        if line.lower().startswith(name.lower() + b":"):
            found = line
            for more in lines[i + 1:]:
                if not more[:1] in (b" ", b"\t"):
                    break
                found += more
    return found


def main():
    out = []
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.eml"))):
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        parts, calendars, text, html = [], [], None, None
        attachments = []
        for part in msg.walk():
            ctype = part.get_content_type()
            parts.append(ctype)
            if part.is_multipart():
                continue
            if part.get_filename():
                attachments.append({"filename": part.get_filename(), "type": ctype})
                continue
            if ctype == "text/plain":
                text = part.get_content()
            elif ctype == "text/html":
                html = part.get_content()
            elif ctype == "text/calendar":
                raw = part.get_payload(decode=True)
                entry = calendar_of(raw)
                entry["params"] = dict(part.get_params()[1:])
                entry["raw"] = raw.decode("utf-8")
                calendars.append(entry)
        out.append({
            "file": os.path.basename(path),
            "message_id": str(msg["Message-ID"]),
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            # The header as sent: UTF-8 words must be RFC 2047 encoded, not raw octets.
            "raw_subject_ascii": raw_header(path, b"Subject").isascii(),
            "parts": parts,
            "text": text,
            "html": html,
            "calendars": calendars,
            "attachments": attachments,
        })
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
