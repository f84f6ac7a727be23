/**
 * VTIMEZONE definitions for what the browser writes: every TZID used in a calendar object gets
 * its VTIMEZONE (RFC 5545 §3.6.5), fetched once per zone from the server's own registry
 * (`GET web/timezones/ZONE`, see src/server/web-app.ts). The server resolves IANA names without
 * one, but strict clients reading the data need the definition beside the TZID.
 */
import ICAL from 'ical.js';

const cache = new Map<string, Promise<ICAL.Component | null>>();

function fetchZone(base: string, tzid: string): Promise<ICAL.Component | null> {
  let p = cache.get(tzid);
  if (!p) {
    const url = new URL(`${base}/web/timezones/${tzid.split('/').map(encodeURIComponent).join('/')}`, document.baseURI).href;
    p = fetch(url, { credentials: 'same-origin' }).then(async (res) => {
      if (!res.ok) return null;
      const vcal = new ICAL.Component(ICAL.parse(await res.text()));
      return vcal.getFirstSubcomponent('vtimezone');
    }).catch(() => null);
    cache.set(tzid, p);
  }
  return p;
}

/** The TZIDs named by the properties of a component and its subcomponents (time zones aside). */
function usedZones(comp: ICAL.Component, out: Set<string>): Set<string> {
  if (comp.name === 'vtimezone') return out;
  for (const p of comp.getAllProperties()) {
    const tzid = p.getParameter('tzid');
    if (typeof tzid === 'string' && tzid && tzid.toUpperCase() !== 'UTC') out.add(tzid);
  }
  for (const c of comp.getAllSubcomponents()) usedZones(c, out);
  return out;
}

/** Adds the missing VTIMEZONEs to a VCALENDAR (first, before the events); unknown zones are left as they are. */
export async function addTimezones(vcal: ICAL.Component, base: string): Promise<void> {
  const have = new Set(vcal.getAllSubcomponents('vtimezone').map((z) => String(z.getFirstPropertyValue('tzid') ?? '')));
  const missing = [...usedZones(vcal, new Set())].filter((z) => !have.has(z));
  if (missing.length === 0) return;
  const found = (await Promise.all(missing.map((z) => fetchZone(base, z)))).filter((z): z is ICAL.Component => z !== null);
  if (found.length === 0) return;
  const rest = [...vcal.getAllSubcomponents()];
  vcal.removeAllSubcomponents();
  for (const z of found) vcal.addSubcomponent(new ICAL.Component(JSON.parse(JSON.stringify(z.toJSON())) as unknown[]));
  for (const c of rest) vcal.addSubcomponent(c);
}

/** The same for iCalendar text: returns it with the VTIMEZONEs its TZIDs need (or unchanged). */
export async function withTimezones(text: string, base: string): Promise<string> {
  let vcal: ICAL.Component;
  try {
    vcal = new ICAL.Component(ICAL.parse(text));
  } catch {
    return text;
  }
  const before = vcal.getAllSubcomponents('vtimezone').length;
  await addTimezones(vcal, base);
  return vcal.getAllSubcomponents('vtimezone').length === before ? text : vcal.toString();
}
