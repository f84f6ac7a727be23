"""Scheduling between two python caldav clients (Debian python3-caldav) on one server.

Usage: python3 python_caldav_scheduling.py BASE_URL
Users alice and bob (passwords secret-alice, secret-bob). Alice invites bob, bob accepts from his
inbox, alice sees the answer, reschedules (bob's copy follows), and cancels (bob's copy is
cancelled). One line per step; exits non-zero on the first failure.
"""
import re
import sys
import uuid
import caldav

base = sys.argv[1]
alice = caldav.DAVClient(url=base, username="alice", password="secret-alice").principal()
bob = caldav.DAVClient(url=base, username="bob", password="secret-bob").principal()


def step(name):
    print(f"ok - {name}", flush=True)


def bob_copy(uid):
    cal = bob.calendars()[0]
    return cal.event_by_uid(uid)


uid = "py-" + uuid.uuid4().hex[:10]
alice_cal = [c for c in alice.calendars() if str(c.url).endswith("/calendar/")][0]
alice_cal.save_event(
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
    f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270601T090000Z\r\nDTEND:20270601T100000Z\r\n"
    "SUMMARY:Planning\r\nORGANIZER:mailto:alice@example.com\r\n"
    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com\r\n"
    "ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:bob@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
step("alice saves a meeting with bob as attendee")

items = bob.schedule_inbox().get_items()
invites = [i for i in items if i.is_invite_request() and uid in i.data]
assert invites, [i.data for i in items]
step("bob finds the invitation in his scheduling inbox")

bob_cal = [c for c in bob.calendars() if str(c.url).endswith("/calendar/")][0]
invites[0].accept_invite(calendar=bob_cal)
step("bob accepts it")

organizer = re.sub(r"\r?\n[ \t]", "", alice_cal.event_by_uid(uid).data)
assert "PARTSTAT=ACCEPTED" in [l for l in organizer.splitlines() if "bob@example.com" in l][0], organizer
step("alice's copy shows bob's acceptance")

ev = alice_cal.event_by_uid(uid)
ev.data = ev.data.replace("DTSTART:20270601T090000Z", "DTSTART:20270602T090000Z").replace("DTEND:20270601T100000Z", "DTEND:20270602T100000Z")
ev.save()
copy = bob_copy(uid).data
assert "20270602T090000Z" in copy, copy
step("alice reschedules; bob's copy moves with it")

alice_cal.event_by_uid(uid).delete()
copy = bob_copy(uid).data
assert "STATUS:CANCELLED" in copy, copy
step("alice cancels; bob's copy is cancelled")
print("python caldav scheduling scenario: all steps passed")
