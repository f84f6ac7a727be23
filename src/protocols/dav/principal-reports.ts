/**
 * Finding people: RFC 3744 §9.4 DAV:principal-property-search and §9.5
 * DAV:principal-search-property-set, with CalendarServer's extensions clients send (the `test`
 * attribute "anyof"/"allof", `match-type` contains/starts-with/equals, `caseless`, DAV:limit).
 * Also assembles the principal reports: §9.3 principal-match (principal-match.ts) and RFC 3253
 * §3.8 expand-property (principal-expand.ts). The searchable set names CalDAV's address and type
 * properties (RFC 6638 §2.4.1, RFC 4791 §6.2) because clients search them to find attendees.
 */
import { ReefknotError } from '../../domain/errors.js';
import { MAX_SEARCH_RESULTS, PrincipalService, type MatchType, type PrincipalField, type PrincipalSearch, type SearchTerm } from '../../services/principals.js';
import type { Resource } from '../../services/resources.js';
import { DavError } from './errors.js';
import type { DavContext, DavProtocol, ReportHandler } from './handler.js';
import type { DavResponse } from './http-types.js';
import { multistatus, xmlResponse } from './multistatus.js';
import { expandPropertyReport } from './principal-expand.js';
import { principalMatchReport } from './principal-match.js';
import { optionalProps, requireDepthZero, statusResponse, truncatedResponse } from './principal-shared.js';
import { child, el, elements, NS, textOf, type XmlElement } from './xml.js';

interface Searchable {
  ns: string;
  name: string;
  fields: PrincipalField[];
  description: string;
}

/** The properties principal-property-search can match (RFC 3744 §9.5 lists them to clients). */
export const SEARCHABLE: readonly Searchable[] = [
  { ns: NS.DAV, name: 'displayname', fields: ['displayname'], description: 'Display name' },
  { ns: NS.CALDAV, name: 'calendar-user-address-set', fields: ['address'], description: 'Calendar user addresses (with or without mailto:)' },
  { ns: NS.CALDAV, name: 'calendar-user-type', fields: ['type'], description: 'Calendar user type: INDIVIDUAL, GROUP, RESOURCE or ROOM' },
  { ns: NS.CS, name: 'email-address-set', fields: ['address'], description: 'Email addresses' },
];

const MATCH_TYPES: readonly MatchType[] = ['contains', 'starts-with', 'equals'];
const XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang';

const isPrincipalCollection = (r: Resource): boolean => r.type === 'principals' || r.type === 'user-principals';

/** One term per property named in each DAV:property-search (an unsearchable one never matches). */
function termsOf(search: XmlElement): SearchTerm[] {
  const prop = child(search, NS.DAV, 'prop');
  const match = child(search, NS.DAV, 'match');
  if (!prop || !match) throw new ReefknotError('bad-request', 'Each DAV:property-search needs a DAV:prop and a DAV:match');
  const matchType = (match.attrs['match-type'] ?? 'contains') as MatchType;
  if (!MATCH_TYPES.includes(matchType)) throw new ReefknotError('bad-request', `match-type must be one of ${MATCH_TYPES.join(', ')}`);
  const caseless = (match.attrs.caseless ?? 'yes').toLowerCase() !== 'no';
  const text = textOf(match).trim();
  return elements(prop).map((p) => ({
    fields: SEARCHABLE.find((s) => s.ns === p.ns && s.name === p.name)?.fields ?? [],
    text, matchType, caseless,
  }));
}

function limitOf(root: XmlElement): number {
  const nresults = child(child(root, NS.DAV, 'limit') ?? el(NS.DAV, 'limit'), NS.DAV, 'nresults');
  if (!nresults) return MAX_SEARCH_RESULTS;
  const n = Number(textOf(nresults).trim());
  if (!Number.isInteger(n) || n < 1) throw new ReefknotError('bad-request', 'DAV:nresults must be a positive whole number');
  return Math.min(n, MAX_SEARCH_RESULTS);
}

/** Reads the body; the search's scope is decided by the target (RFC 3744 §9.4). */
export function parsePropertySearch(root: XmlElement, target: Resource): PrincipalSearch {
  const test = root.attrs.test ?? 'allof';
  if (test !== 'anyof' && test !== 'allof') throw new ReefknotError('bad-request', "The test attribute must be 'anyof' or 'allof'");
  const searches = elements(root, NS.DAV, 'property-search');
  if (searches.length === 0) throw new ReefknotError('bad-request', 'principal-property-search needs at least one DAV:property-search');
  const query: PrincipalSearch = { terms: searches.flatMap(termsOf), test, limit: limitOf(root) };
  if (child(root, NS.DAV, 'apply-to-principal-collection-set') || isPrincipalCollection(target)) return query;
  if (target.type === 'principal') return { ...query, onlyUser: target.user.name };
  throw new DavError(403, 'principal-property-search searches the principal collections: send it to /principals/ or add DAV:apply-to-principal-collection-set', {
    ns: NS.DAV, name: 'supported-report',
  });
}

async function propertySearch(root: XmlElement, target: Resource, ctx: DavContext, dav: DavProtocol, principals: PrincipalService): Promise<DavResponse> {
  requireDepthZero(ctx, 'principal-property-search');
  const query = parsePropertySearch(root, target);
  const found = await principals.search(ctx.snapshot, ctx.principal, query);
  const request = optionalProps(root);
  const responses: XmlElement[] = [];
  for (const p of found.principals) {
    responses.push(request ? await dav.propfind.response(p, request, ctx) : statusResponse(ctx.hrefs.href(p.path), 200));
  }
  if (found.truncated) responses.push(truncatedResponse(ctx, target));
  return multistatus(responses);
}

/** RFC 3744 §9.5: a 200 answer listing what can be searched, each with a description. */
async function searchPropertySet(_root: XmlElement, _target: Resource, ctx: DavContext): Promise<DavResponse> {
  requireDepthZero(ctx, 'principal-search-property-set');
  const items = SEARCHABLE.map((s) =>
    el(NS.DAV, 'principal-search-property', [
      el(NS.DAV, 'prop', [el(s.ns, s.name)]),
      el(NS.DAV, 'description', [s.description], { [XML_LANG]: 'en' }),
    ]),
  );
  return xmlResponse(200, el(NS.DAV, 'principal-search-property-set', items));
}

/** Every principal report, for DavExtensions.reports. */
export function principalReports(principals: PrincipalService = new PrincipalService()): ReportHandler[] {
  return [
    {
      ns: NS.DAV, name: 'principal-property-search', appliesTo: () => true,
      run: (root, t, ctx, dav) => propertySearch(root, t, ctx, dav, principals),
    },
    { ns: NS.DAV, name: 'principal-search-property-set', appliesTo: isPrincipalCollection, run: searchPropertySet },
    principalMatchReport,
    expandPropertyReport,
  ];
}
