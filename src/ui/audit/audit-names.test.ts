// Tests the Audit screen's names: people and groups by name, removed ones from the log, a short id only as a last resort.
import { describe, expect, it } from 'vitest';
import { nameBook, namesInDetails, principalName, shortId, whoDid, withPeople } from './audit-names';

const ID = 'XNY67TmTtwMpNybhQWgj7w';

describe('audit names', () => {
  const book = nameBook({
    current: [
      { id: 'u1', name: 'Ada Lovelace', kind: 'user' },
      { id: 'g1', name: 'security', kind: 'group' },
    ],
    fromLog: [
      { id: 'u1', name: 'Ada (old name)', kind: 'user' },
      { id: 'u2', name: 'Ivy Auditor', kind: 'user' },
      { id: 'g2', name: 'ops', kind: 'group' },
    ],
  });

  it('prefers the directory, and marks names known only from the log as removed', () => {
    expect(principalName('u1', book)).toBe('Ada Lovelace');
    expect(principalName('g1', book, 'group')).toBe('security');
    expect(principalName('u2', book, 'user')).toBe('Ivy Auditor (removed)');
    expect(principalName('g2', book, 'group')).toBe('ops (removed)');
  });

  it('falls back to a removed user or group and a short id only when no name is known', () => {
    expect(shortId(ID)).toBe('XNY67T…');
    expect(shortId('abc')).toBe('abc');
    expect(principalName(ID, book, 'user')).toBe('a removed user (XNY67T…)');
    expect(principalName(ID, book, 'group')).toBe('a removed group (XNY67T…)');
    expect(principalName(ID, book)).toBe('a removed user or group (XNY67T…)');
  });

  it('says who made an entry', () => {
    expect(whoDid('system', null, book)).toBe('Keyward (automatic)');
    expect(whoDid('unknown', null, book)).toBe('Unknown person');
    expect(whoDid('u9', 'Grace Hopper', book)).toBe('Grace Hopper');
    expect(whoDid('u1', null, book)).toBe('Ada Lovelace');
    expect(whoDid('u2', null, book)).toBe('Ivy Auditor (removed)');
    expect(whoDid(ID, null, book)).toBe('A removed user (XNY67T…)');
  });

  it('reads names from the entries that add or remove a user or group, and nothing else', () => {
    expect(namesInDetails('user.add', { userId: 'u3', name: 'Bo', role: 'member' })).toEqual([{ id: 'u3', name: 'Bo', kind: 'user' }]);
    expect(namesInDetails('user.remove', { userId: 'u3', name: 'Bo', grants: 2 })).toEqual([{ id: 'u3', name: 'Bo', kind: 'user' }]);
    expect(namesInDetails('group.create', { groupId: 'g3', name: 'infra', members: [] })).toEqual([{ id: 'g3', name: 'infra', kind: 'group' }]);
    expect(namesInDetails('key.grant', { principal: 'u3', name: 'Bo' })).toEqual([]);
    expect(namesInDetails('user.add', { userId: 'u3' })).toEqual([]);
    expect(namesInDetails('user.add', { userId: 7, name: 'x' })).toEqual([]);
  });

  it('adds the sign-in list\'s people the directory did not list, without renaming those it did', () => {
    const more = withPeople(book, [
      { id: 'u1', name: 'Other' },
      { id: 'u2', name: 'Ivy Auditor' },
      { id: 'u5', name: 'Eve' },
    ]);
    expect(principalName('u1', more)).toBe('Ada Lovelace');
    expect(principalName('u2', more)).toBe('Ivy Auditor');
    expect(principalName('u5', more)).toBe('Eve');
    expect(withPeople(book, [])).toBe(book);
  });
});
