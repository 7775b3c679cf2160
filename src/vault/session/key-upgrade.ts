// Owns upgrading legacy key rows (issue #14): a row sealed before its lifecycle fields were (context version 0) is
// sealed again, in the current format, by a session that holds its data key — in batches, one write each, with one
// key.upgrade entry saying how many. Until then due work leaves such a row alone.

import { bytesEqual } from '../../crypto';
import { allRequests, DB, withTx, type KeyRow, type VersionRow } from '../../storage';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import { factsFromRows, type KeyFields } from '../key-fields';
import type { KeyId } from '../types';
import type { SessionContext } from './context';
import { metaKeyBytes, sealedRow, type Held } from './held';

const S = DB.stores;

/** Rows sealed again per write transaction. */
export const UPGRADE_BATCH = 500;

interface Upgraded {
  id: KeyId;
  held: Held;
  row: KeyRow;
  fields: KeyFields;
}

/**
 * Seals again every legacy row of a key this session holds the data key of, with its fields (FORMAT.md §2.1). The
 * fields are the row as held: its plaintext, but the destruction time an upgrade keeps (key-fields.ts
 * upgradedDestroyAt), so an upgrade never makes anything more destructive. Returns how many rows were upgraded. A row
 * that cannot be (a version row missing) stays legacy; a batch another tab changed meanwhile waits for the next run.
 */
export async function upgradeLegacyRows(ctx: SessionContext): Promise<number> {
  const legacy = [...(await ctx.ring.load()).values()].filter((h) => h.fields === null && h.grant.wrappedDek !== null);
  let count = 0;
  for (let at = 0; at < legacy.length && !ctx.locked; at += UPGRADE_BATCH) {
    const batch = await prepareBatch(ctx, legacy.slice(at, at + UPGRADE_BATCH));
    if (batch.length === 0) continue;
    try {
      await ctx.writes.write([S.keys], [{ action: 'key.upgrade', details: { keys: batch.length } }], async (tx) => {
        const keys = tx.objectStore(S.keys);
        const stored = await Promise.all(batch.map((u) => keys.get(u.id)));
        if (stored.some((row, i) => !row || !bytesEqual(row.sealedMeta, batch[i]!.held.row.sealedMeta))) {
          throw new VaultError('ChangedElsewhere', 'a key was changed elsewhere (another tab?) during the upgrade');
        }
        await allRequests(batch.map((u) => () => keys.put(u.row)));
      });
    } catch (error) {
      if (error instanceof VaultError && error.code === 'ChangedElsewhere') continue;
      throw error;
    }
    for (const u of batch) ctx.ring.keep(u.id, { ...u.held, row: u.row, fields: u.fields });
    count += batch.length;
  }
  return count;
}

/** The batch's rows sealed again, outside any write; the version rows read in one readonly transaction. */
async function prepareBatch(ctx: SessionContext, batch: readonly Held[]): Promise<Upgraded[]> {
  const versions: VersionRow[][] = await guarded(() =>
    withTx(ctx.db, [S.versions], 'readonly', (tx) => Promise.all(batch.map((h) => tx.objectStore(S.versions).index('byKey').getAll(h.row.id)))),
  );
  const out: Upgraded[] = [];
  for (const [i, held] of batch.entries()) {
    const id = held.row.id as KeyId;
    try {
      const facts = factsFromRows(held.row.currentVersion, versions[i]!);
      const dek = await ctx.ring.dek(id);
      const { row, fields } = await sealedRow(dek, held.row, held.meta, facts, await metaKeyBytes(dek, held.row));
      out.push({ id, held, row, fields });
    } catch (error) {
      if (error instanceof VaultError && error.code === 'Locked') throw error;
      // This row stays legacy (left alone by due work); the others go on.
    }
  }
  return out;
}
