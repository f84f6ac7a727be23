/**
 * TZIDs without a VTIMEZONE (RFC 7809 §3.1 lets clients omit standard zones): when a lookup knows
 * the IANA name, its VTIMEZONE is added to the parsed calendar so times resolve correctly. The
 * lookup is passed in (built once by the server from IANA data); this module holds no registry.
 */
import ICAL from 'ical.js';

type Component = InstanceType<typeof ICAL.Component>;

/** VTIMEZONE text for an IANA zone name, or null when unknown. */
export type TimezoneLookup = (tzid: string) => string | null;

function referencedTzids(c: Component, into: Set<string>): void {
  for (const p of c.getAllProperties()) {
    const tzid = p.getParameter('tzid');
    if (typeof tzid === 'string') into.add(tzid);
  }
  for (const sub of c.getAllSubcomponents()) if (sub.name !== 'vtimezone') referencedTzids(sub, into);
}

/** Adds the missing VTIMEZONEs the lookup knows; returns the TZIDs still unknown. Call before reading any time value. */
export function resolveTimezones(calendar: Component, lookup: TimezoneLookup): string[] {
  const defined = new Set(calendar.getAllSubcomponents('vtimezone').map((z) => String(z.getFirstPropertyValue('tzid'))));
  const wanted = new Set<string>();
  referencedTzids(calendar, wanted);
  const unknown: string[] = [];
  for (const tzid of wanted) {
    if (defined.has(tzid)) continue;
    const text = lookup(tzid);
    if (!text) {
      unknown.push(tzid);
      continue;
    }
    const parsed = new ICAL.Component(ICAL.parse(text) as unknown[]);
    const zone = parsed.name === 'vtimezone' ? parsed : parsed.getFirstSubcomponent('vtimezone');
    if (!zone) {
      unknown.push(tzid);
      continue;
    }
    // The object names the zone by its own TZID; IANA data may spell an alias differently.
    zone.updatePropertyWithValue('tzid', tzid);
    calendar.addSubcomponent(zone);
  }
  return unknown;
}
