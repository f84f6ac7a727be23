/**
 * The privileges Reefknot models (RFC 3744 §3, RFC 4791 §6.1.1, RFC 6638 §6) and how aggregates
 * contain them (RFC 3744 §3.12 DAV:all, §3.1 DAV:write; RFC 4791: read-free-busy under DAV:read).
 */
export const PRIVILEGES = [
  'read', 'read-free-busy', 'read-current-user-privilege-set', 'read-acl',
  'write', 'write-content', 'write-properties', 'bind', 'unbind', 'write-acl',
  // RFC 6638 §6.1–6.2: on the scheduling inbox and outbox.
  'schedule-deliver', 'schedule-deliver-invite', 'schedule-deliver-reply', 'schedule-query-freebusy',
  'schedule-send', 'schedule-send-invite', 'schedule-send-reply', 'schedule-send-freebusy',
  'all',
] as const;

/** Privileges in the CalDAV namespace (the rest are DAV:). */
export const CALDAV_PRIVILEGES: ReadonlySet<Privilege> = new Set<Privilege>([
  'read-free-busy', 'schedule-deliver', 'schedule-deliver-invite', 'schedule-deliver-reply', 'schedule-query-freebusy',
  'schedule-send', 'schedule-send-invite', 'schedule-send-reply', 'schedule-send-freebusy',
]);
export type Privilege = (typeof PRIVILEGES)[number];

/** The privileges each aggregate contains, itself included. */
const CONTAINS: Record<Privilege, readonly Privilege[]> = {
  all: PRIVILEGES,
  read: ['read', 'read-free-busy', 'read-current-user-privilege-set'],
  write: ['write', 'write-content', 'write-properties', 'bind', 'unbind'],
  'read-free-busy': ['read-free-busy'],
  'read-current-user-privilege-set': ['read-current-user-privilege-set'],
  'read-acl': ['read-acl'],
  'write-content': ['write-content'],
  'write-properties': ['write-properties'],
  bind: ['bind'],
  unbind: ['unbind'],
  'write-acl': ['write-acl'],
  'schedule-deliver': ['schedule-deliver', 'schedule-deliver-invite', 'schedule-deliver-reply', 'schedule-query-freebusy'],
  'schedule-deliver-invite': ['schedule-deliver-invite'],
  'schedule-deliver-reply': ['schedule-deliver-reply'],
  'schedule-query-freebusy': ['schedule-query-freebusy'],
  'schedule-send': ['schedule-send', 'schedule-send-invite', 'schedule-send-reply', 'schedule-send-freebusy'],
  'schedule-send-invite': ['schedule-send-invite'],
  'schedule-send-reply': ['schedule-send-reply'],
  'schedule-send-freebusy': ['schedule-send-freebusy'],
};

/** Every privilege contained in `p` (itself included). */
export function expand(p: Privilege): readonly Privilege[] {
  return CONTAINS[p];
}

export function isPrivilege(name: string): name is Privilege {
  return (PRIVILEGES as readonly string[]).includes(name);
}

/** The granted set, closed upwards: an aggregate counts as held when everything it contains is held. */
export function close(held: Set<Privilege>): Set<Privilege> {
  for (const p of PRIVILEGES) if (CONTAINS[p].every((c) => c === p || held.has(c)) && CONTAINS[p].length > 1) held.add(p);
  return held;
}

/** The sharing levels people use (CLI, web app, CS sharing) and the privileges each grants. */
export const ACCESS_LEVELS = {
  freebusy: ['read-free-busy'],
  read: ['read'],
  write: ['read', 'write-content', 'bind', 'unbind'],
  'write-properties': ['write-properties'],
  admin: ['all'],
} as const satisfies Record<string, readonly Privilege[]>;
export type AccessLevel = keyof typeof ACCESS_LEVELS;

export const isAccessLevel = (s: string): s is AccessLevel => Object.prototype.hasOwnProperty.call(ACCESS_LEVELS, s);
