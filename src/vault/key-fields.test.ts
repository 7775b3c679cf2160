// Issue #14, docs/FORMAT.md §2.1: the exact bytes of a key row's authenticated fields, and the pure rules around them.
import { describe, expect, it } from 'vitest';
import { createdVault, PASSWORD } from '../../test/unit/helpers';
import { contextAad, open, parseJson, utf8Decode } from '../crypto';
import { DB, openKeywardDb, type KeyRow } from '../storage';
import { BOUND_FIELDS, fieldsMatch, fieldsOf, parseFields, upgradedDestroyAt, type VersionFacts } from './key-fields';
import { DAY_MS } from './lifecycle';
import { openGrant } from './principals';
import { openUserKey } from './user-keys';

const S = DB.stores;

const ROW: KeyRow = {
  id: 'k'.repeat(22),
  createdAt: 1000,
  updatedAt: 2000,
  currentVersion: 2,
  currentOrigin: 'imported',
  currentCompromisedAt: null,
  minVersion: 1,
  keepVersions: 10,
  state: 'active',
  stateChangedAt: 1000,
  activationAt: null,
  rotationDays: 90,
  autoRotate: false,
  lastRotatedAt: 2000,
  destroyAt: null,
  sealedMeta: new Uint8Array(0),
};
const FACTS: VersionFacts[] = [
  [1000, 'generated', null, 1500],
  [2000, 'imported', null, null],
];

describe('key fields (FORMAT.md §2.1)', () => {
  it('are the row fields in a fixed order, then the versions; a change to any one is a mismatch', () => {
    const fields = fieldsOf(ROW, FACTS);
    expect(Object.keys(fields)).toEqual([...BOUND_FIELDS, 'versions']);
    expect(JSON.stringify(fields)).toBe(
      '{"createdAt":1000,"updatedAt":2000,"currentVersion":2,"currentOrigin":"imported","currentCompromisedAt":null,"minVersion":1,"keepVersions":10,' +
        '"state":"active","stateChangedAt":1000,"activationAt":null,"rotationDays":90,"autoRotate":false,"lastRotatedAt":2000,"destroyAt":null,' +
        '"versions":[[1000,"generated",null,1500],[2000,"imported",null,null]]}',
    );
    const back = parseFields(parseJson(JSON.stringify(fields)));
    expect(fieldsMatch(ROW, back)).toBe(true);
    for (const f of BOUND_FIELDS) {
      const changed = { ...ROW, [f]: typeof ROW[f] === 'number' ? (ROW[f] as number) + 1 : typeof ROW[f] === 'boolean' ? !ROW[f] : ROW[f] === null ? 1 : 'x' };
      expect(fieldsMatch(changed as KeyRow, back), f).toBe(false);
    }
  });

  it('refuse an impossible shape, and versions that do not cover every version', () => {
    const good = JSON.parse(JSON.stringify(fieldsOf(ROW, FACTS))) as Record<string, unknown>;
    for (const bad of [null, [], { ...good, state: 'gone' }, { ...good, destroyAt: '1' }, { ...good, versions: [FACTS[0]] }, { ...good, versions: [[1, 'x', null, null], FACTS[1]] }]) {
      expect(() => parseFields(bad)).toThrow(TypeError);
    }
    expect(() => fieldsOf(ROW, [FACTS[0]!])).toThrow(TypeError);
  });

  it("an upgrade keeps a legacy destroyAt only where the history agrees, and never sooner than 7 days from now", () => {
    const now = 100 * DAY_MS;
    const scheduled = [{ at: 1, actor: 'u', action: 'destruction-scheduled' as const, reason: 'in 7 days' }];
    expect(upgradedDestroyAt({ ...ROW, destroyAt: 1 }, [], now)).toBeNull();
    expect(upgradedDestroyAt({ ...ROW, destroyAt: 1 }, [...scheduled, { at: 2, actor: 'u', action: 'destruction-cancelled' as const }], now)).toBeNull();
    expect(upgradedDestroyAt({ ...ROW, destroyAt: 1 }, scheduled, now)).toBe(now + 7 * DAY_MS);
    expect(upgradedDestroyAt({ ...ROW, destroyAt: now + 20 * DAY_MS }, scheduled, now)).toBe(now + 20 * DAY_MS);
    expect(upgradedDestroyAt({ ...ROW, destroyAt: null }, scheduled, now)).toBeNull();
  });

  it('are stored as the bytes FORMAT.md §2.1 says: in the metadata, and after the 32-byte meta key and the metadata\'s hash in wrappedMetaKey', async () => {
    const { vault, session, dbName } = await createdVault();
    const key = await session.keys.create({ name: 'K', value: 'k-1', format: 'text', tags: [], notes: '' });
    const ann = await session.directory.addUser({ name: 'Ann', password: 'one-time password 1', role: 'auditor' });
    void vault;
    const db = await openKeywardDb({ name: dbName });
    try {
      const owner = (await db.get(S.users, session.user.id))!;
      const { userKey } = await openUserKey(owner, PASSWORD);
      const { dek } = await openGrant((await db.get(S.grants, [key.id, session.user.id]))!, userKey, undefined);
      let row = (await db.get(S.keys, key.id))!;
      const meta = parseJson(utf8Decode(await open(dek!, row.sealedMeta, contextAad('key', key.id, 'meta', 1)))) as { name: string; fields: unknown };
      expect(meta.name).toBe('K');
      expect(fieldsMatch(row, parseFields(meta.fields))).toBe(true);
      await expect(open(dek!, row.sealedMeta, contextAad('key', key.id, 'meta', 0))).rejects.toThrow();

      await session.access.grant(key.id, ann.id, 'view');
      row = (await db.get(S.keys, key.id))!;
      const plain = await open(dek!, row.wrappedMetaKey!, contextAad('key', key.id, 'metaKey', 1));
      const metaKey = await crypto.subtle.importKey('raw', plain.slice(0, 32), 'AES-GCM', false, ['decrypt']);
      // Then SHA-256 of sealedMeta (the metadata sealed under the meta key), then the fields' JSON.
      expect(plain.slice(32, 64)).toEqual(new Uint8Array(await crypto.subtle.digest('SHA-256', row.sealedMeta as Uint8Array<ArrayBuffer>)));
      expect(fieldsMatch(row, parseFields(parseJson(utf8Decode(plain.subarray(64)))))).toBe(true);
      const copy = parseJson(utf8Decode(await open(metaKey as never, row.sealedMeta, contextAad('key', key.id, 'meta', 1)))) as { fields: unknown };
      expect(fieldsMatch(row, parseFields(copy.fields))).toBe(true);
    } finally {
      db.close();
    }
  });
});
