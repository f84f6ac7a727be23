/**
 * Shared VTIMEZONE definitions. ical.js expands a zone's transitions from its first DTSTART each
 * time a parsed object first needs it; with thousands of objects naming the same zone that
 * expansion dominated query time (docs/benchmarks.md). Objects parsed here get the same expanded
 * Timezone for the same definition (keyed by the definition itself, so two different VTIMEZONEs
 * with one TZID never mix). Bounded; nothing is global: one cache per service.
 */
import ICAL from 'ical.js';

type Component = InstanceType<typeof ICAL.Component>;
type Timezone = InstanceType<typeof ICAL.Timezone>;

/** ical.js keeps the zones of a parsed calendar in this map on the root component. */
interface WithZoneCache {
  _timezoneCache: Map<string, Timezone> | null;
}

export class TimezoneCache {
  private readonly zones = new Map<string, Timezone>();

  constructor(private readonly max = 500) {}

  /** Seeds `calendar`'s zone lookup with shared, already-expanded zones. Call before reading times. */
  share(calendar: Component): void {
    const root = calendar as unknown as WithZoneCache;
    if (!(root._timezoneCache instanceof Map)) return;
    for (const vtz of calendar.getAllSubcomponents('vtimezone')) {
      const tzid = String(vtz.getFirstPropertyValue('tzid') ?? '');
      if (!tzid) continue;
      const key = `${tzid}\u0000${JSON.stringify(vtz.toJSON())}`;
      let zone = this.zones.get(key);
      if (!zone) {
        zone = new ICAL.Timezone({ component: vtz, tzid });
        if (this.zones.size >= this.max) this.zones.delete(this.zones.keys().next().value ?? '');
        this.zones.set(key, zone);
      }
      root._timezoneCache.set(tzid, zone);
    }
  }
}
