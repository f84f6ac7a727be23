/** Parses the CALDAV:filter element (RFC 4791 §9.7) into domain/query types. */
import { ReefknotError } from '../../domain/errors.js';
import { COLLATIONS, type Collation, type CompFilter, type ParamFilter, type PropFilter, type TextMatch, type TimeRange } from '../../domain/query/types.js';
import { DavError } from '../dav/errors.js';
import { child, elements, NS, textOf, type XmlElement } from '../dav/xml.js';

export const invalidFilter = (why: string): DavError =>
  new DavError(403, `The query filter is not valid: ${why}`, { ns: NS.CALDAV, name: 'valid-filter' });

const UTC_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function parseUtc(value: string): number {
  const m = UTC_RE.exec(value.trim());
  if (!m) throw invalidFilter(`'${value}' is not a UTC date-time such as 20060104T000000Z`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
}

export function parseTimeRange(e: XmlElement | undefined): TimeRange | undefined {
  if (!e) return undefined;
  const start = e.attrs.start !== undefined ? parseUtc(e.attrs.start) : null;
  const end = e.attrs.end !== undefined ? parseUtc(e.attrs.end) : null;
  if (start === null && end === null) throw invalidFilter('a time-range needs a start or an end');
  if (start !== null && end !== null && end <= start) throw invalidFilter('a time-range must end after it starts');
  return { start, end };
}

function parseTextMatch(e: XmlElement | undefined): TextMatch | undefined {
  if (!e) return undefined;
  const collation = (e.attrs.collation ?? 'i;ascii-casemap') as Collation;
  if (!COLLATIONS.includes(collation)) {
    throw new DavError(403, `The collation ${collation} is not supported`, { ns: NS.CALDAV, name: 'supported-collation' });
  }
  const negate = e.attrs['negate-condition'] ?? 'no';
  if (negate !== 'yes' && negate !== 'no') throw invalidFilter("negate-condition must be 'yes' or 'no'");
  return { value: textOf(e), collation, negate: negate === 'yes' };
}

const isNotDefined = (e: XmlElement): boolean => child(e, NS.CALDAV, 'is-not-defined') !== undefined;

function nameOf(e: XmlElement): string {
  const name = e.attrs.name;
  if (!name) throw invalidFilter(`${e.name} needs a name attribute`);
  return name.toUpperCase();
}

function parseParamFilter(e: XmlElement): ParamFilter {
  return { name: nameOf(e), isNotDefined: isNotDefined(e), textMatch: parseTextMatch(child(e, NS.CALDAV, 'text-match')) };
}

function parsePropFilter(e: XmlElement): PropFilter {
  return {
    name: nameOf(e),
    isNotDefined: isNotDefined(e),
    timeRange: parseTimeRange(child(e, NS.CALDAV, 'time-range')),
    textMatch: parseTextMatch(child(e, NS.CALDAV, 'text-match')),
    paramFilters: elements(e, NS.CALDAV, 'param-filter').map(parseParamFilter),
  };
}

export function parseCompFilter(e: XmlElement): CompFilter {
  return {
    name: nameOf(e),
    isNotDefined: isNotDefined(e),
    timeRange: parseTimeRange(child(e, NS.CALDAV, 'time-range')),
    propFilters: elements(e, NS.CALDAV, 'prop-filter').map(parsePropFilter),
    compFilters: elements(e, NS.CALDAV, 'comp-filter').map(parseCompFilter),
  };
}

/** The top-level filter: exactly one comp-filter on VCALENDAR (RFC 4791 §9.7). */
export function parseFilter(filter: XmlElement | undefined): CompFilter {
  if (!filter) throw invalidFilter('calendar-query needs a CALDAV:filter');
  const comps = elements(filter, NS.CALDAV, 'comp-filter');
  const top = comps[0];
  if (comps.length !== 1 || !top) throw invalidFilter('the filter must hold exactly one comp-filter');
  const parsed = parseCompFilter(top);
  if (parsed.name !== 'VCALENDAR') throw invalidFilter('the top comp-filter must name VCALENDAR');
  return parsed;
}

export function ensure(cond: boolean, why: string): void {
  if (!cond) throw new ReefknotError('bad-request', why);
}
