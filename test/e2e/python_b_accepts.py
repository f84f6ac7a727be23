"""The seed's §4.1, B's side: a second CalDAV client (Debian python3-caldav) accepts A's invitation.

Usage: python3 python_b_accepts.py BASE_URL USER PASSWORD UID
B finds the invitation in his scheduling inbox (RFC 6638), accepts it into his calendar, and reads
his copy back. One line per step; the last line is `b-copy-partstat VALUE`. Exits non-zero on
the first failure.
"""
import re
import sys
import caldav

base, user, password, uid = sys.argv[1:5]
me = caldav.DAVClient(url=base, username=user, password=password).principal()

invites = [i for i in me.schedule_inbox().get_items() if i.is_invite_request() and uid in i.data]
assert invites, "no invitation with UID %s in the scheduling inbox" % uid
print("B's client finds the invitation in his scheduling inbox", flush=True)

calendar = [c for c in me.calendars() if str(c.url).endswith("/calendar/")][0]
invites[0].accept_invite(calendar=calendar)
print("B's client accepts it (PUT of his copy with PARTSTAT=ACCEPTED)", flush=True)

copy = re.sub(r"\r?\n[ \t]", "", calendar.event_by_uid(uid).data)
mine = [l for l in copy.splitlines() if l.upper().startswith("ATTENDEE") and ("mailto:%s@" % user) in l.lower()]
assert mine, copy
m = re.search(r"PARTSTAT=([A-Z-]+)", mine[0].upper())
print("b-copy-partstat %s" % (m.group(1) if m else "NEEDS-ACTION"), flush=True)
