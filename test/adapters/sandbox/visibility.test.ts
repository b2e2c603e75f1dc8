import { describe, expect, it } from 'vitest';
import { channelsForItem, channelsOf } from '../../../adapters/sandbox/visibility.ts';
import { Roster, type StaffMember } from '../../../src/domain/roster.ts';
import type { WorkItem } from '../../../src/domain/work-item.ts';

const person = (key: string, flags: Partial<StaffMember> = {}): StaffMember => ({ key, name: key, roles: [], physician: false, lead: false, manager: false, active: true, ...flags });
// A small clinic where a physician also sits in the nursing queue: the rule must hold anyway.
const roster = new Roster(
  [person('nurse'), person('lead', { lead: true }), person('doc', { physician: true }), person('other-doc', { physician: true }), person('boss', { manager: true }), person('clerk')],
  [
    { key: 'nursing', name: 'Nursing', lead: 'lead', members: ['nurse', 'lead', 'doc'] },
    { key: 'billing', name: 'Billing', members: ['clerk'] },
  ],
);
const item = (over: Partial<WorkItem>) => ({ id: 'i1', queue: 'nursing', state: 'OPEN', ownerId: null, everEscalated: false, ...over }) as WorkItem;
const ids = (key: string) => channelsOf(roster, roster.member(key)!, { poolName: 'Pool', digest: true }).map((c) => c.id);

describe('sandbox visibility', () => {
  it.each([
    ['nurse', ['queue:nursing', 'dm:nurse']],
    ['doc', ['dm:doc', 'pool']],
    ['boss', ['queue:nursing', 'queue:billing', 'pool', 'dm:boss', 'digest']],
    ['clerk', ['queue:billing', 'dm:clerk']],
  ])('gives %s the channels %j', (key, expected) => expect(ids(key)).toEqual(expected));

  it.each([
    ['nurse', item({}), ['queue:nursing']],
    ['clerk', item({}), []],
    ['doc', item({}), []],
    ['doc', item({ state: 'CLAIMED', ownerId: 'nurse' }), []],
    ['doc', item({ state: 'ESCALATED', ownerId: null, everEscalated: true }), ['pool']],
    ['doc', item({ state: 'ESCALATED', ownerId: 'doc', everEscalated: true }), ['dm:doc']],
    ['other-doc', item({ state: 'ESCALATED', ownerId: 'doc', everEscalated: true }), []],
    ['doc', item({ state: 'RESOLVED', ownerId: 'doc', everEscalated: true }), ['dm:doc']],
    ['doc', item({ state: 'CLAIMED', ownerId: 'nurse', everEscalated: true }), []],
    ['boss', item({ state: 'ESCALATED', ownerId: null, everEscalated: true }), ['queue:nursing', 'pool']],
    ['lead', item({ state: 'ESCALATED', ownerId: 'doc', everEscalated: true }), ['queue:nursing']],
  ])('shows %s the item %o in %j', (key, it, expected) => expect(channelsForItem(roster, roster.member(key)!, it)).toEqual(expected));
});
