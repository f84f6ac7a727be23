/** ACL evaluation as a table: principal × privilege × resource ACEs → allowed? (RFC 3744 §5.5, §8.1). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aceConflict, effectivePrivileges, ownerAces, type Ace, type Requester } from '../../../src/domain/acl/evaluate.js';
import type { Privilege } from '../../../src/domain/acl/privileges.js';

const OWNER = 1;
const BOB = 2;
const CAROL = 3;
const who = (userId: number | null, proxyFor: Requester['proxyFor'] = []): Requester => ({ userId, proxyFor });
const grant = (principal: Ace['principal'], ...privileges: Privilege[]): Ace => ({ principal, privileges, deny: false, protected: false });
const deny = (principal: Ace['principal'], ...privileges: Privilege[]): Ace => ({ principal, privileges, deny: true, protected: false });
const user = (userId: number): Ace['principal'] => ({ kind: 'user', userId });

const rows: [string, Ace[], Requester, Privilege, boolean][] = [
  ['the owner holds everything', [], who(OWNER), 'write-acl', true],
  ['a stranger holds nothing', [], who(BOB), 'read', false],
  ['anonymous holds nothing', [], who(null), 'read', false],
  ['read granted to a user', [grant(user(BOB), 'read')], who(BOB), 'read', true],
  ['read contains read-free-busy', [grant(user(BOB), 'read')], who(BOB), 'read-free-busy', true],
  ['read-free-busy does not give read', [grant(user(BOB), 'read-free-busy')], who(BOB), 'read', false],
  ['a grant to one user is not for another', [grant(user(BOB), 'read')], who(CAROL), 'read', false],
  ['write contains write-content', [grant(user(BOB), 'write')], who(BOB), 'write-content', true],
  ['write-content alone is not write', [grant(user(BOB), 'write-content')], who(BOB), 'write', false],
  ['all parts of write make write', [grant(user(BOB), 'write-content', 'write-properties', 'bind', 'unbind')], who(BOB), 'write', true],
  ['authenticated covers any user', [grant({ kind: 'authenticated' }, 'read')], who(CAROL), 'read', true],
  ['authenticated excludes anonymous', [grant({ kind: 'authenticated' }, 'read')], who(null), 'read', false],
  ['all covers anonymous', [grant({ kind: 'all' }, 'read')], who(null), 'read', true],
  ['unauthenticated covers only anonymous', [grant({ kind: 'unauthenticated' }, 'read')], who(BOB), 'read', false],
  ['the first matching ACE decides: deny before grant', [deny(user(BOB), 'read'), grant({ kind: 'all' }, 'read')], who(BOB), 'read', false],
  ['the first matching ACE decides: grant before deny', [grant(user(BOB), 'read'), deny({ kind: 'all' }, 'read')], who(BOB), 'read', true],
  ['deny of all blocks read', [deny(user(BOB), 'all'), grant(user(BOB), 'read')], who(BOB), 'read', false],
  ['a deny for someone else does not matter', [deny(user(CAROL), 'read'), grant({ kind: 'authenticated' }, 'read')], who(BOB), 'read', true],
  ['the owner cannot be denied (protected ACE first)', [deny(user(OWNER), 'all')], who(OWNER), 'read', true],
  ['a write proxy writes', [], who(BOB, [{ ownerId: OWNER, write: true }]), 'write-content', true],
  ['a write proxy does not change the ACL', [], who(BOB, [{ ownerId: OWNER, write: true }]), 'write-acl', false],
  ['a read proxy reads', [], who(BOB, [{ ownerId: OWNER, write: false }]), 'read', true],
  ['a read proxy does not write', [], who(BOB, [{ ownerId: OWNER, write: false }]), 'write-content', false],
  ['a proxy of someone else gets nothing here', [], who(BOB, [{ ownerId: CAROL, write: true }]), 'read', false],
  ['inherited ACEs count after the resource ones', [deny(user(BOB), 'read'), { ...grant(user(BOB), 'read'), inheritedFrom: '/calendars/owner/' }], who(BOB), 'read', false],
];

for (const [name, aces, requester, privilege, expected] of rows) {
  test(`ACL: ${name}`, () => {
    const held = effectivePrivileges([...ownerAces(OWNER, requester), ...aces], requester);
    assert.equal(held.has(privilege), expected);
  });
}

test('ACL: a grant and a deny of the same privilege to one principal conflict', () => {
  assert.equal(aceConflict([grant(user(BOB), 'read'), deny(user(BOB), 'read-free-busy')]), 'read-free-busy');
  assert.equal(aceConflict([grant(user(BOB), 'read'), deny(user(CAROL), 'read')]), null);
});
