"""Sharing seen by the python caldav library (Debian python3-caldav).

Usage: python3 python_caldav_sharing.py BASE_URL USER PASSWORD SHARED_URL PRIVATE_URL
USER reads the calendar at SHARED_URL (shared with them, and also found under their own home) and
is refused the one at PRIVATE_URL. One line per step; exits non-zero on the first failure.
"""
import sys
import caldav
from caldav.lib import error

base, user, password, shared_url, private_url = sys.argv[1:6]


def step(name):
    print(f"ok - {name}", flush=True)


client = caldav.DAVClient(url=base, username=user, password=password)
principal = client.principal()
names = [str(c.url) for c in principal.calendars()]
assert any(u.rstrip("/").endswith("-calendar") for u in names), names
step(f"the shared calendar is listed in {user}'s home: {len(names)} calendars")

shared = caldav.Calendar(client=client, url=shared_url)
events = shared.events()
assert len(events) >= 1, "no events readable"
assert any("Shared standup" in e.data for e in events), [e.data for e in events]
step(f"reads {len(events)} event(s) of the shared calendar")

refused = False
try:
    caldav.Calendar(client=client, url=private_url).events()
except (error.AuthorizationError, error.ReportError, error.NotFoundError, error.DAVError):
    refused = True
assert refused, "a calendar that is not shared was readable"
step("is refused a calendar that is not shared")
print("python caldav sharing scenario: all steps passed")
