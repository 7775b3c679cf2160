import { describe, expect, it } from 'vitest';
import { searchKeys, sortKeys } from './search';
import type { KeyId, KeySummary } from './types';

const key = (id: string, name: string, over: Partial<KeySummary> = {}): KeySummary => ({
  id: id as KeyId,
  permission: 'owner',
  kind: 'secret',
  name,
  format: 'text',
  tags: [],
  notes: '',
  version: 1,
  createdAt: 0,
  updatedAt: 0,
  algorithm: null,
  hasPrivate: true,
  state: 'active',
  activationAt: null,
  oldestUsableVersion: 1,
  keepVersions: 10,
  rotation: { periodDays: 90, auto: false },
  lastRotatedAt: 0,
  nextRotationAt: null,
  canAutoRotate: false,
  recipe: null,
  destroyAt: null,
  compromiseReason: null,
  history: [],
  ...over,
});

const keys = [
  key('1', 'Stripe live', { tags: ['payments', 'prod'], createdAt: 3, updatedAt: 10 }),
  key('2', 'stripe test', { tags: ['payments'], createdAt: 1, updatedAt: 30 }),
  key('3', 'Café API', { notes: 'Rotated by Zoë', createdAt: 2, updatedAt: 20 }),
  key('4', 'key 10', { createdAt: 4, updatedAt: 5 }),
  key('5', 'key 9', { createdAt: 5, updatedAt: 5 }),
];
const names = (list: KeySummary[]) => list.map((k) => k.name);

describe('searchKeys', () => {
  it.each<[string, string[]]>([
    ['', ['Stripe live', 'stripe test', 'Café API', 'key 10', 'key 9']],
    ['STRIPE', ['Stripe live', 'stripe test']],
    ['prod', ['Stripe live']],
    ['payments test', ['stripe test']],
    ['cafe', ['Café API']],
    ['zoe', ['Café API']],
    ['nothing-like-this', []],
  ])('%j matches %j', (query, expected) => {
    expect(names(searchKeys(keys, query))).toEqual(expected);
  });
});

describe('sortKeys', () => {
  it('sorts names case-insensitively with numbers in numeric order', () => {
    expect(names(sortKeys(keys, 'name', 'asc'))).toEqual(['Café API', 'key 9', 'key 10', 'Stripe live', 'stripe test']);
    expect(names(sortKeys(keys, 'name', 'desc'))).toEqual(['stripe test', 'Stripe live', 'key 10', 'key 9', 'Café API']);
  });

  it('sorts by dates, ties broken by name', () => {
    expect(names(sortKeys(keys, 'createdAt', 'asc'))).toEqual(['stripe test', 'Café API', 'Stripe live', 'key 10', 'key 9']);
    expect(names(sortKeys(keys, 'updatedAt', 'desc'))).toEqual(['stripe test', 'Café API', 'Stripe live', 'key 10', 'key 9']);
  });

  it('does not reorder its input', () => {
    const copy = [...keys];
    sortKeys(keys, 'name', 'asc');
    expect(keys).toEqual(copy);
  });
});
