/**
 * Checks a parsed CALDAV:filter against RFC 4791 §9.7 before evaluation: one top comp-filter on
 * VCALENDAR, is-not-defined alone, time-range with start before end (§9.9), text-match and
 * time-range not together in a prop-filter (§9.7.2), known collations (§7.5.1).
 */
import { InvalidFilterError, UnsupportedCollationError } from './errors.js';
import { isCollation } from './text-match.js';
import type { CompFilter, ParamFilter, PropFilter, TextMatch, TimeRange } from './types.js';

export function validateFilter(filter: CompFilter): void {
  if (filter.name.toUpperCase() !== 'VCALENDAR') {
    throw new InvalidFilterError(`the top comp-filter must name VCALENDAR, not ${filter.name}`);
  }
  checkComp(filter, 'VCALENDAR');
}

function checkComp(f: CompFilter, path: string): void {
  if (!f.name) throw new InvalidFilterError(`a comp-filter inside ${path} has no name`);
  if (f.isNotDefined && (f.timeRange || f.propFilters.length > 0 || f.compFilters.length > 0)) {
    throw new InvalidFilterError(`comp-filter ${f.name}: is-not-defined cannot be combined with other conditions`);
  }
  if (f.timeRange) checkRange(f.timeRange, `comp-filter ${f.name}`);
  for (const p of f.propFilters) checkProp(p, f.name);
  for (const c of f.compFilters) checkComp(c, `${path}/${f.name}`);
}

function checkProp(p: PropFilter, comp: string): void {
  const where = `prop-filter ${p.name} in ${comp}`;
  if (!p.name) throw new InvalidFilterError(`a prop-filter in ${comp} has no name`);
  if (p.isNotDefined && (p.timeRange || p.textMatch || p.paramFilters.length > 0)) {
    throw new InvalidFilterError(`${where}: is-not-defined cannot be combined with other conditions`);
  }
  if (p.timeRange && p.textMatch) throw new InvalidFilterError(`${where}: time-range and text-match cannot both be given`);
  if (p.timeRange) checkRange(p.timeRange, where);
  if (p.textMatch) checkText(p.textMatch);
  for (const q of p.paramFilters) checkParam(q, where);
}

function checkParam(q: ParamFilter, where: string): void {
  if (!q.name) throw new InvalidFilterError(`a param-filter in ${where} has no name`);
  if (q.isNotDefined && q.textMatch) {
    throw new InvalidFilterError(`param-filter ${q.name} in ${where}: is-not-defined cannot be combined with text-match`);
  }
  if (q.textMatch) checkText(q.textMatch);
}

function checkText(t: TextMatch): void {
  if (!isCollation(t.collation)) throw new UnsupportedCollationError(t.collation);
}

/** RFC 4791 §9.9: at least one bound; when both are given, start must be before end. */
function checkRange(r: TimeRange, where: string): void {
  if (r.start === null && r.end === null) throw new InvalidFilterError(`${where}: a time-range needs a start or an end`);
  for (const v of [r.start, r.end]) {
    if (v !== null && !Number.isFinite(v)) throw new InvalidFilterError(`${where}: a time-range bound is not a valid time`);
  }
  if (r.start !== null && r.end !== null && r.start >= r.end) {
    throw new InvalidFilterError(`${where}: a time-range must end after it starts`);
  }
}
