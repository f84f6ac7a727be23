/**
 * The CalDAV filter language (RFC 4791 §9.7) as plain data. protocols/caldav parses the XML into
 * these types; domain/query evaluates them against calendar objects.
 */
export type Collation = 'i;ascii-casemap' | 'i;octet' | 'i;unicode-casemap';

export const COLLATIONS: readonly Collation[] = ['i;ascii-casemap', 'i;octet', 'i;unicode-casemap'];

export interface TextMatch {
  value: string;
  collation: Collation;
  /** negate-condition="yes" */
  negate: boolean;
}

/** RFC 4791 §9.9: either bound may be absent (open); values are ms since the epoch, UTC. */
export interface TimeRange {
  start: number | null;
  end: number | null;
}

export interface ParamFilter {
  name: string;
  isNotDefined: boolean;
  textMatch?: TextMatch;
}

export interface PropFilter {
  name: string;
  isNotDefined: boolean;
  timeRange?: TimeRange;
  textMatch?: TextMatch;
  paramFilters: ParamFilter[];
}

export interface CompFilter {
  name: string;
  isNotDefined: boolean;
  timeRange?: TimeRange;
  propFilters: PropFilter[];
  compFilters: CompFilter[];
}
