// readKeyRows (key-rows.ts): the slices by key id cover every key exactly once, whatever its id, and carry only the
// grants of this user and their groups; a failed read surfaces as the transaction's error.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DB, openKeywardDb, withTx, type GrantRow, type KeyRow, type KeywardDb } from '../storage';
import { freshDbName } from '../../test/unit/helpers';
import { randomId } from '../crypto';
import { readKeyRows, sliceBounds, SLICE_STARTS } from './key-rows';

const S = DB.stores;

/** Rows with only the fields the reader looks at: the reader decrypts nothing. */
const keyRow = (id: string) => ({ id }) as unknown as KeyRow;
const grantRow = (keyId: string, principalId: string) => ({ keyId, principalId, permission: 'owner' }) as unknown as GrantRow;

async function seeded(ids: readonly string[]): Promise<KeywardDb> {
  const db = await openKeywardDb({ name: freshDbName() });
  await withTx(db, [S.keys, S.grants, S.members, S.groups], 'readwrite', async (tx) => {
    for (const id of ids) {
      await tx.objectStore(S.keys).put(keyRow(id));
      await tx.objectStore(S.grants).put(grantRow(id, 'me'));
      await tx.objectStore(S.grants).put(grantRow(id, 'someone-else'));
      await tx.objectStore(S.grants).put(grantRow(id, 'my-group'));
    }
    await tx.objectStore(S.members).put({ groupId: 'my-group', userId: 'me' } as never);
    await tx.objectStore(S.groups).put({ id: 'my-group' } as never);
  });
  return db;
}

async function readAll(db: KeywardDb, starts?: readonly string[]) {
  const read = readKeyRows(db, 'me', starts);
  const { principals, slices } = await read.rows;
  const got = await Promise.all(slices);
  await read.done;
  return { principals, got };
}

describe('readKeyRows', () => {
  it('gives every key once, in the slice its id falls in, with only my and my groups\' grants', async () => {
    // Random ids as the vault makes them, ids on and next to every slice start, and ids from outside the alphabet.
    const ids = [
      ...Array.from({ length: 300 }, () => randomId()),
      ...SLICE_STARTS.flatMap((c) => [c, `${c}A`, `${String.fromCharCode(c.charCodeAt(0) - 1)}~`]),
      '',
      '~~',
      'é-key',
      '\u{1F511}',
      ' leading space',
    ];
    const unique = [...new Set(ids)];
    const db = await seeded(unique);
    const { principals, got } = await readAll(db);
    expect(got).toHaveLength(SLICE_STARTS.length + 1);
    const seen = got.flatMap((slice) => [...slice.keys.keys()]);
    expect(seen.sort()).toEqual([...unique].sort());
    expect(new Set(seen).size).toBe(seen.length);
    for (const slice of got) {
      expect(slice.grants.map((g) => g.principalId).sort()).toEqual([...slice.keys.keys()].flatMap(() => ['me', 'my-group']).sort());
      for (const g of slice.grants) expect(slice.keys.has(g.keyId)).toBe(true);
    }
    expect(principals.members.map((m) => m.groupId)).toEqual(['my-group']);
    expect([...principals.groups.keys()]).toEqual(['my-group']);
    db.close();
  });

  it('slices are contiguous: each upper bound is the next lower bound, open at both ends', () => {
    const bounds = sliceBounds();
    expect(bounds[0]!.lower).toBeUndefined();
    expect(bounds.at(-1)!.upper).toBeUndefined();
    for (let i = 1; i < bounds.length; i++) expect(bounds[i]!.lower).toBe(bounds[i - 1]!.upper);
    expect([...SLICE_STARTS].sort()).toEqual([...SLICE_STARTS]);
  });

  it('works with one slice (no starts) and with an empty vault', async () => {
    const db = await seeded(['a', 'b']);
    const one = await readAll(db, []);
    expect(one.got).toHaveLength(1);
    expect([...one.got[0]!.keys.keys()]).toEqual(['a', 'b']);
    const empty = await openKeywardDb({ name: freshDbName() });
    const none = await readAll(empty);
    expect(none.got.every((s) => s.keys.size === 0 && s.grants.length === 0)).toBe(true);
    expect(none.principals.self).toBeUndefined();
    db.close();
    empty.close();
  });

  it('a closed database fails the read through `done` and `rows`, with nothing left unhandled', async () => {
    const db = await seeded(['a']);
    db.close();
    const read = readKeyRows(db, 'me');
    await expect(read.done).rejects.toBeDefined();
    await expect(read.rows).rejects.toBeDefined();
  });
});
