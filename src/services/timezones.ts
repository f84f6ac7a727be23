/**
 * The IANA time zone registry (timezones-ical-library's VTIMEZONE data), built once by the server
 * and passed to services as a TimezoneLookup. Results are memoised per TZID.
 */
import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';
import type { TimezoneLookup } from '../domain/ical/timezones.js';

export function ianaTimezones(): { lookup: TimezoneLookup; names: string[] } {
  const cache = new Map<string, string | null>();
  const listed = tzlib_get_timezones();
  const names = Array.isArray(listed) ? listed : (JSON.parse(listed) as string[]);
  const known = new Set(names);
  const lookup: TimezoneLookup = (tzid) => {
    const name = tzid.replace(/^\/(?:[^/]+\/){0,3}?(?=[A-Z][a-z]+\/)/, '');
    if (cache.has(name)) return cache.get(name) ?? null;
    let text: string | null = null;
    if (known.has(name)) {
      const block = tzlib_get_ical_block(name);
      text = Array.isArray(block) && typeof block[0] === 'string' && block[0].includes('BEGIN:VTIMEZONE') ? block[0] : null;
    }
    cache.set(name, text);
    return text;
  };
  return { lookup, names };
}
