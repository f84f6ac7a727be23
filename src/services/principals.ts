/**
 * Finding people (RFC 3744 §9.4 DAV:principal-property-search): signed-in users search the
 * server's users by display name, calendar user address or calendar user type, with a limit on
 * the number of answers. An answer is a principal resource as every signed-in user may already
 * read it (resources.ts: principals are visible to signed-in users); its password hash is blanked
 * so nothing downstream can leak it. Disabled users are not offered.
 */
import { ReefknotError } from '../domain/errors.js';
import type { StoreTx, UserRow } from '../store/types.js';
import type { Principal } from './access.js';
import { principalPath } from './context.js';
import type { Resource, Snapshot } from './resources.js';

const txOf = (s: Snapshot): StoreTx => s as unknown as StoreTx;

/** What a search term can look at: DAV:displayname, the mailto: addresses, CALDAV:calendar-user-type. */
export type PrincipalField = 'displayname' | 'address' | 'type';
export type MatchType = 'contains' | 'starts-with' | 'equals';

export interface SearchTerm {
  /** The term matches when any value of any of these fields matches; no fields: never matches. */
  fields: PrincipalField[];
  text: string;
  matchType: MatchType;
  caseless: boolean;
}

export interface PrincipalSearch {
  terms: SearchTerm[];
  /** 'allof': every term must match (RFC 3744 §9.4's logical AND); 'anyof': one is enough. */
  test: 'anyof' | 'allof';
  /** Largest number of principals returned; more matches set `truncated`. */
  limit: number;
  /** Only this user is in scope (a search on one principal resource). */
  onlyUser?: string;
}

export type PrincipalResource = Resource & { type: 'principal' };

export interface SearchResult {
  principals: PrincipalResource[];
  truncated: boolean;
}

/** The server's cap on answers, whatever a client asks for. */
export const MAX_SEARCH_RESULTS = 100;

/** Compares one value with a term's text (CalendarServer's match-type; caseless by default). */
export function matchesText(value: string, term: Pick<SearchTerm, 'text' | 'matchType' | 'caseless'>): boolean {
  const v = term.caseless ? value.toLowerCase() : value;
  const t = term.caseless ? term.text.toLowerCase() : term.text;
  if (term.matchType === 'equals') return v === t;
  if (term.matchType === 'starts-with') return v.startsWith(t);
  return v.includes(t);
}

/** A principal resource for `user`, carrying no password hash. */
export function principalResource(user: UserRow): PrincipalResource {
  return { type: 'principal', path: principalPath(user.name), user: { ...user, passwordHash: '' } };
}

export class PrincipalService {
  /** Users matching `query`, ordered by name, at most `query.limit` (and never more than the cap). */
  async search(snapshot: Snapshot, principal: Principal, query: PrincipalSearch): Promise<SearchResult> {
    if (!principal.user) throw new ReefknotError('forbidden', 'Sign in to search for people');
    const tx = txOf(snapshot);
    const limit = Math.max(0, Math.min(query.limit, MAX_SEARCH_RESULTS));
    const wantsAddresses = query.terms.some((t) => t.fields.includes('address'));
    const users = (await tx.listUsers())
      .filter((u) => !u.disabled && (query.onlyUser === undefined || u.name === query.onlyUser))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const found: PrincipalResource[] = [];
    for (const u of users) {
      const addresses = wantsAddresses ? await tx.listAddresses(u.id) : [];
      if (!this.matches(u, addresses, query)) continue;
      if (found.length === limit) return { principals: found, truncated: true };
      found.push(principalResource(u));
    }
    return { principals: found, truncated: false };
  }

  private matches(user: UserRow, addresses: string[], query: PrincipalSearch): boolean {
    if (query.terms.length === 0) return false;
    const one = (term: SearchTerm): boolean => term.fields.some((f) => valuesOf(user, addresses, f).some((v) => matchesText(v, term)));
    return query.test === 'anyof' ? query.terms.some(one) : query.terms.every(one);
  }
}

/** The values a field holds; an address matches with or without its 'mailto:'. */
function valuesOf(user: UserRow, addresses: string[], field: PrincipalField): string[] {
  switch (field) {
    case 'displayname':
      return [user.name];
    case 'type':
      return [user.type.toUpperCase()];
    case 'address':
      return addresses.flatMap((a) => (a.toLowerCase().startsWith('mailto:') ? [a, a.slice(7)] : [a]));
  }
}
