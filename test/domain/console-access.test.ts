import { describe, expect, it } from 'vitest';
import { consoleAccess, ledQueues } from '../../src/domain/console-access.ts';
import { Roster } from '../../src/domain/roster.ts';

const staff = (key: string, o: Record<string, unknown> = {}) => ({ key, name: key, roles: [], physician: false, lead: false, manager: false, active: true, email: `${key}@clinic.example`, ...o });
const roster = new Roster(
  [staff('mgr', { manager: true }), staff('lead-a'), staff('flagged', { lead: true }), staff('member'), staff('gone', { manager: true, active: false }), staff('doc', { physician: true })],
  [
    { key: 'a', name: 'A', lead: 'lead-a', members: ['lead-a', 'member'] },
    { key: 'b', name: 'B', members: ['flagged', 'member'] },
    { key: 'c', name: 'C', members: ['member'] },
  ],
);

describe('who may use the console', () => {
  it.each([
    ['a manager', { email: 'mgr@clinic.example', emailVerified: true }, { ok: true, scope: { all: true } }],
    ['a manager, whatever the case of the address', { email: ' MGR@Clinic.Example ', emailVerified: undefined }, { ok: true, scope: { all: true } }],
    ['a queue’s named lead: that queue', { email: 'lead-a@clinic.example', emailVerified: undefined }, { ok: true, scope: { all: false, queues: ['a'] } }],
    ['a lead-flagged member: the queues they belong to', { email: 'flagged@clinic.example', emailVerified: true }, { ok: true, scope: { all: false, queues: ['b'] } }],
    ['a member who leads nothing', { email: 'member@clinic.example', emailVerified: true }, { ok: false, reason: 'not_a_supervisor' }],
    ['a physician', { email: 'doc@clinic.example', emailVerified: true }, { ok: false, reason: 'not_a_supervisor' }],
    ['an inactive manager', { email: 'gone@clinic.example', emailVerified: true }, { ok: false, reason: 'not_on_roster' }],
    ['a stranger', { email: 'x@elsewhere.example', emailVerified: true }, { ok: false, reason: 'not_on_roster' }],
    ['an unverified address', { email: 'mgr@clinic.example', emailVerified: false }, { ok: false, reason: 'email_unverified' }],
    ['no address at all', { email: undefined, emailVerified: undefined }, { ok: false, reason: 'no_email' }],
    ['an empty address', { email: '  ', emailVerified: true }, { ok: false, reason: 'no_email' }],
  ])('%s', (_who, identity, expected) => {
    expect(consoleAccess(roster, identity)).toMatchObject(expected);
  });

  it('names the address in a refusal and says who the console is for', () => {
    const r = consoleAccess(roster, { email: 'x@elsewhere.example', emailVerified: true });
    expect(!r.ok && r.message).toContain('x@elsewhere.example is not on Baton');
    expect(ledQueues(roster, 'member')).toEqual([]);
  });
});
