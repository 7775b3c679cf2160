import { describe, expect, it } from 'vitest';
import { compareNames, IncrementalSearch, searchKeys, simpleSortKey, sortKeys } from './search';
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

describe('IncrementalSearch', () => {
  const many = Array.from({ length: 60 }, (_, i) =>
    key(String(i), `${['Stripe', 'Quay', 'Café', 'Qdrant'][i % 4]} ${['live', 'test', 'équipe'][i % 3]} ${i}`, { tags: i % 5 === 0 ? ['prod'] : [], notes: i % 7 === 0 ? 'Zoë' : '' }),
  );

  it('answers every query of a typing session exactly as searchKeys does, in the input order', () => {
    const search = new IncrementalSearch();
    // Typing on, backspacing, replacing, adding and removing words, and an unchanged query.
    for (const query of ['', 'q', 'qu', 'qua', 'quay', 'quay ', 'quay l', 'quay li', 'quay l', 'qua', 'q', '', 'e', 'eq', 'equipe', 'equipe 1', 'equipe 1', 'zoe', 'zo', 'ZOË prod', 'x', 'xy', '']) {
      expect(names([...search.run(many, query)])).toEqual(names(searchKeys(many, query)));
    }
  });

  it('searches the whole list again when the list changed', () => {
    const search = new IncrementalSearch();
    expect(names([...search.run(many.slice(0, 10), 'quay')])).toEqual(names(searchKeys(many.slice(0, 10), 'quay')));
    // A narrower query over a different (longer) list must not be answered from the shorter list's result.
    expect(names([...search.run(many, 'quay l')])).toEqual(names(searchKeys(many, 'quay l')));
  });
});

describe('compareNames', () => {
  const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

  it('orders names exactly as Intl.Collator does (random names of letters, digits, spaces and a few others)', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const alphabet = 'aAbByYzZ0019  -_.é';
    const word = () => Array.from({ length: Math.floor(rand() * 9) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    for (let n = 0; n < 5000; n++) {
      const a = word();
      const b = word();
      expect([a, b, Math.sign(compareNames(a, b))]).toEqual([a, b, Math.sign(collator.compare(a, b))]);
    }
  });
});

describe('simpleSortKey', () => {
  const order = (a: string, b: string) => {
    const ka = simpleSortKey(a);
    const kb = simpleSortKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };

  it('orders lower-cased simple names as compareNames does (leading zeros, long numbers, prefixes, spaces)', () => {
    const fixed = ['', ' ', 'a', 'a ', 'a0', 'a00', 'a000001', 'a1', 'a01', 'a9', 'a10', 'a 10', 'a10b', 'a9z', 'key 2', 'key 10', 'key 100', 'x'.repeat(200), '1'.repeat(150), '1'.repeat(149)];
    for (const a of fixed) for (const b of fixed) expect([a, b, order(a, b)]).toEqual([a, b, Math.sign(compareNames(a, b))]);
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const alphabet = 'abyz  0001999';
    const word = () => Array.from({ length: Math.floor(rand() * 12) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    for (let n = 0; n < 5000; n++) {
      const a = word();
      const b = word();
      expect([a, b, order(a, b)]).toEqual([a, b, Math.sign(compareNames(a, b))]);
    }
  });

  it('sortKeys by name gives the collator order, ties by id, for a mix of simple and other names', () => {
    const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
    const list = ['Key 10', 'key 9', 'Ünïcode 2', 'unicode 10', 'a-b', 'A b', 'key 09', 'Zeta', 'zeta', 'α', 'key 100', 'Key 1'].map((name, i) => key(`k${String(i).padStart(2, '0')}`, name));
    const expected = [...list].sort((a, b) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1)).map((k) => k.id);
    expect(sortKeys(list, 'name', 'asc').map((k) => k.id)).toEqual(expected);
    expect(sortKeys(list, 'name', 'desc').map((k) => k.id)).toEqual([...expected].reverse());
  });
});
