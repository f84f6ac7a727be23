"""Queries and sync with the python caldav library (Debian python3-caldav), a client nobody here wrote.

Usage: python3 python_caldav_queries.py BASE_URL USER PASSWORD
Searches by time range with and without expand over a recurring event with an override and an
EXDATE, searches todos, and syncs by token after add, modify and delete. One line per step; exits
non-zero on the first failure.
"""
import sys
import uuid
from datetime import datetime, timezone
import caldav

base, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
UTC = timezone.utc


def step(name):
    print(f"ok - {name}", flush=True)


client = caldav.DAVClient(url=base, username=user, password=password)
principal = client.principal()
cal = principal.make_calendar(name="Queries", cal_id="q-" + uuid.uuid4().hex[:8], supported_calendar_component_set=["VEVENT", "VTODO"])

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
TZ = ("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
      "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nTZOFFSETFROM:+0100\r\n"
      "TZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")
weekly = (HEAD + TZ +
          "BEGIN:VEVENT\r\nUID:weekly-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Paris:20260105T100000\r\n"
          "DTEND;TZID=Europe/Paris:20260105T110000\r\nRRULE:FREQ=WEEKLY;COUNT=10\r\nEXDATE;TZID=Europe/Paris:20260119T100000\r\n"
          "SUMMARY:Team sync\r\nEND:VEVENT\r\n"
          "BEGIN:VEVENT\r\nUID:weekly-1\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Paris:20260112T100000\r\n"
          "DTSTART;TZID=Europe/Paris:20260113T150000\r\nDTEND;TZID=Europe/Paris:20260113T160000\r\nSUMMARY:Team sync (moved)\r\nEND:VEVENT\r\n"
          "END:VCALENDAR\r\n")
cal.save_event(weekly)
cal.save_event(HEAD + "BEGIN:VEVENT\r\nUID:single-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260301T090000Z\r\nDTEND:20260301T100000Z\r\nSUMMARY:Lonely\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
cal.save_todo(HEAD + "BEGIN:VTODO\r\nUID:todo-open\r\nDTSTAMP:20260101T000000Z\r\nDUE:20260110T120000Z\r\nSUMMARY:Open task\r\nEND:VTODO\r\nEND:VCALENDAR\r\n")
cal.save_todo(HEAD + "BEGIN:VTODO\r\nUID:todo-done\r\nDTSTAMP:20260101T000000Z\r\nDUE:20260110T120000Z\r\nSTATUS:COMPLETED\r\nCOMPLETED:20260109T120000Z\r\nSUMMARY:Done task\r\nEND:VTODO\r\nEND:VCALENDAR\r\n")
step("stored a weekly event with an override and an EXDATE, a single event and two todos")

# The week of 12 January: the override moved to Tuesday 13th is there, the series matches.
found = cal.search(start=datetime(2026, 1, 12, tzinfo=UTC), end=datetime(2026, 1, 14, tzinfo=UTC), event=True)
uids = sorted(str(e.icalendar_component["uid"]) for e in found)
assert uids == ["weekly-1"], uids
step("time-range search finds the recurring event in the week of its moved instance")

# Expanded: the instances of that week in UTC, the override at its new time.
expanded = cal.search(start=datetime(2026, 1, 12, tzinfo=UTC), end=datetime(2026, 1, 14, tzinfo=UTC), event=True, expand=True)
texts = "".join(e.data for e in expanded)
assert "RECURRENCE-ID" in texts and "20260113T140000Z" in texts, texts
assert "DTSTART:20260112T090000Z" not in texts, "the overridden instance is not at its old time"
assert "RECURRENCE-ID:20260112T090000Z" in texts, texts
step("expanded search returns the moved instance at 14:00 UTC")

# The week of the EXDATE holds nothing; the single event is found alone in March.
assert cal.search(start=datetime(2026, 1, 19, tzinfo=UTC), end=datetime(2026, 1, 20, tzinfo=UTC), event=True) == []
march = cal.search(start=datetime(2026, 3, 1, tzinfo=UTC), end=datetime(2026, 3, 2, tzinfo=UTC), event=True)
assert [str(e.icalendar_component["uid"]) for e in march] == ["single-1"]
step("the EXDATE's day is empty and the single event is found by its date")

todos = cal.todos()
assert sorted(str(t.icalendar_component["uid"]) for t in todos) == ["todo-open"], [t.data for t in todos]
all_todos = cal.todos(include_completed=True)
assert len(all_todos) == 2
step("todo search: pending todos only, then all")

# Sync by token: add, modify, delete are each reported once.
first = cal.objects_by_sync_token(load_objects=False)
token = first.sync_token
cal.save_event(HEAD + "BEGIN:VEVENT\r\nUID:added-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260401T090000Z\r\nDTEND:20260401T100000Z\r\nSUMMARY:Added\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
lonely = cal.event_by_uid("single-1")
lonely.data = lonely.data.replace("Lonely", "Less lonely")
lonely.save()
cal.event_by_uid("weekly-1").delete()
delta = cal.objects_by_sync_token(sync_token=token, load_objects=False)
changed = sorted(str(o.url).rsplit("/", 1)[-1] for o in delta)
assert len(changed) == 3, changed
assert delta.sync_token != token
again = cal.objects_by_sync_token(sync_token=delta.sync_token, load_objects=False)
assert len(list(again)) == 0
step(f"sync by token after add, modify and delete reports {len(changed)} changes, then none")

cal.delete()
print("python caldav queries scenario: all steps passed")
