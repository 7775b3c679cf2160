// Tests an audit entry's details as a person reads them: names for ids, the client set apart, ids kept for "More".
import { describe, expect, it } from 'vitest';
import { nameBook } from './audit-names';
import { entryFacts, fieldWords, sharedClient } from './entry-facts';

const book = nameBook({
  current: [
    { id: 'u1', name: 'Ada Lovelace', kind: 'user' },
    { id: 'u2', name: 'Ivy Auditor', kind: 'user' },
    { id: 'g1', name: 'security', kind: 'group' },
  ],
  fromLog: [],
});
const keys = new Map([['k1', 'payments-api-token']]);
const CLIENT = 'Chrome 156 on Linux';

describe('entry facts', () => {
  it('names the person a key is granted to, and keeps the id and kind for "More"', () => {
    const out = entryFacts('key.grant', { principal: 'u2', kind: 'user', permission: 'view', client: CLIENT }, book, keys);
    expect(out.facts).toEqual([
      { label: 'to', value: 'Ivy Auditor' },
      { label: 'permission', value: 'view' },
    ]);
    expect(out.technical).toEqual([
      { label: 'id', value: 'u2' },
      { label: 'kind', value: 'user' },
    ]);
    expect(out.client).toBe(CLIENT);
    expect(entryFacts('key.revoke', { principal: 'g1', permission: 'use', rekeyed: true }, book, keys).facts).toEqual([
      { label: 'from', value: 'security' },
      { label: 'permission', value: 'use' },
      { label: 're-keyed', value: 'yes' },
    ]);
  });

  it('says a user added by name (their own name in the entry when they are gone), and members by name', () => {
    expect(entryFacts('user.add', { userId: 'u2', name: 'Ivy Auditor', role: 'auditor' }, book, keys).facts).toEqual([
      { label: 'user', value: 'Ivy Auditor' },
      { label: 'role', value: 'auditor' },
    ]);
    expect(entryFacts('user.remove', { userId: 'gone', name: 'Bo', grants: 2 }, book, keys).facts).toEqual([
      { label: 'user', value: 'Bo' },
      { label: 'grants', value: '2' },
    ]);
    expect(entryFacts('group.member.add', { groupId: 'g1', userId: 'u1' }, book, keys).facts).toEqual([
      { label: 'group', value: 'security' },
      { label: 'user', value: 'Ada Lovelace' },
    ]);
    expect(entryFacts('group.create', { groupId: 'g1', name: 'security', members: ['u1', 'zzzzzzzzzzzz'] }, book, keys).facts).toEqual([
      { label: 'group', value: 'security' },
      { label: 'members', value: 'Ada Lovelace, a removed user (zzzzzz…)' },
    ]);
  });

  it('names keys, formats numbers, counts and booleans, and keeps the key kind of a new key', () => {
    expect(entryFacts('integrity.failed', { store: 'keys', ids: ['k1', 'k2-unknown-id'], why: ['did not open'] }, book, keys).facts).toEqual([
      { label: 'store', value: 'keys' },
      { label: 'keys', value: 'payments-api-token, a key (k2-unk…)' },
      { label: 'why', value: 'did not open' },
    ]);
    expect(entryFacts('vault.create', { iterations: 1930000 }, book, keys).facts).toEqual([{ label: 'password rounds', value: '1,930,000' }]);
    expect(entryFacts('key.create', { kind: 'secret', origin: 'generated', state: 'active' }, book, keys).facts[0]).toEqual({ label: 'kind', value: 'secret' });
    expect(entryFacts('backup.verify', { counts: { keys: 2, versions: 3 }, sameVault: true }, book, keys).facts).toEqual([
      { label: 'counts', value: '2 keys, 3 versions' },
      { label: 'same vault', value: 'yes' },
    ]);
    expect(entryFacts('unlock.failed', { recordedWhileLocked: true, client: CLIENT }, book, keys)).toEqual({
      facts: [{ label: 'recorded while locked', value: 'yes' }],
      technical: [],
      client: CLIENT,
    });
    expect(entryFacts('passkey.add', { passkey: 'laptop', slotId: 's-1' }, book, keys)).toEqual({
      facts: [{ label: 'passkey', value: 'laptop' }],
      technical: [{ label: 'slot id', value: 's-1' }],
      client: null,
    });
  });

  it('leaves markup as text and unreadable details said in words', () => {
    expect(entryFacts('key.update', { x: '<img src=x onerror=alert(1)>' }, book, keys).facts).toEqual([{ label: 'x', value: '<img src=x onerror=alert(1)>' }]);
    expect(entryFacts('key.update', { unreadable: true }, book, keys).facts).toEqual([{ label: 'details', value: 'could not be read' }]);
    expect(entryFacts('key.update', { nested: { a: 1 } }, book, keys).facts).toEqual([{ label: 'nested', value: '{"a":1}' }]);
  });

  it('splits field names into words', () => {
    expect(fieldWords('keysNotRekeyed')).toBe('keys not re-keyed');
    expect(fieldWords('someNewField')).toBe('some new field');
  });

  it('finds the client a whole page shares', () => {
    expect(sharedClient([CLIENT, CLIENT, CLIENT])).toBe(CLIENT);
    expect(sharedClient([CLIENT, 'Firefox 140 on Linux'])).toBeNull();
    expect(sharedClient([CLIENT, null])).toBeNull();
    expect(sharedClient([CLIENT])).toBeNull();
    expect(sharedClient([])).toBeNull();
  });
});
