"""Core scenario with the python caldav library (Debian python3-caldav), a client nobody here wrote.

Usage: python3 python_caldav_core.py BASE_URL USER PASSWORD
Discovers the principal from the base URL, creates a calendar with MKCALENDAR, saves an event and
a todo, fetches by UID, updates with the ETag, deletes, and lists calendars. Prints one line per
step and exits non-zero on the first failure.
"""
import sys
import uuid
import caldav

base, user, password = sys.argv[1], sys.argv[2], sys.argv[3]


def step(name):
    print(f"ok - {name}", flush=True)


client = caldav.DAVClient(url=base, username=user, password=password)
principal = client.principal()
step("discovery: principal " + str(principal.url))
home_calendars = principal.calendars()
step(f"list calendars: {len(home_calendars)} found")

cal_id = "py-" + uuid.uuid4().hex[:8]
cal = principal.make_calendar(name="Python test", cal_id=cal_id, supported_calendar_component_set=["VEVENT", "VTODO"])
step("MKCALENDAR " + str(cal.url))

uid = str(uuid.uuid4())
ev = cal.save_event(
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
    f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\n"
    "SUMMARY:Python meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
step("save event")
todo_uid = str(uuid.uuid4())
cal.save_todo(
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VTODO\r\n"
    f"UID:{todo_uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Python task\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
)
step("save todo")

fetched = cal.event_by_uid(uid)
assert "Python meeting" in fetched.data, fetched.data
step("fetch event by UID")
todo = cal.todo_by_uid(todo_uid)
assert "Python task" in todo.data
step("fetch todo by UID")

fetched.load()
etag = fetched.props.get("{DAV:}getetag") if hasattr(fetched, "props") else None
fetched.data = fetched.data.replace("Python meeting", "Python meeting (moved)")
fetched.save()
again = cal.event_by_uid(uid)
assert "(moved)" in again.data, again.data
step("update event")

# An update guarded by a stale ETag must be refused with 412.
import requests
stale = requests.put(str(again.url), data=again.data.encode(), auth=(user, password),
                     headers={"If-Match": '"stale-etag"', "Content-Type": "text/calendar"})
assert stale.status_code == 412, stale.status_code
step("stale If-Match refused with 412")

again.delete()
try:
    cal.event_by_uid(uid)
    raise AssertionError("event still there after delete")
except caldav.lib.error.NotFoundError:
    pass
step("delete event")

names = [c.url for c in principal.calendars()]
assert any(cal_id in str(u) for u in names), names
step(f"list calendars after MKCALENDAR: {len(names)}")
cal.delete()
step("delete calendar")
print("python caldav core scenario: all steps passed")
