// Owns what a signed-in session does with backup files: writing one (logged first, so it holds its own entry), when
// the last one was made, and the decrypted dump and re-import of keys that a merge from a backup moves.

import { DEFAULT_ITERATIONS, generateDataKey, open, seal, wrapKey } from '../../crypto';
import { allRequests, DB, withTx, type GrantRow, type KeyRow, type VersionRow } from '../../storage';
import { atLeast } from '../access';
import { aad } from '../context';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import { DAY_MS } from '../lifecycle';
import type { SealedMeta } from '../records';
import type { KeyId } from '../types';
import { openUserKey, readUser } from '../user-keys';
import { checkNewPassword, isKeyId } from '../validate';
import type { SessionContext } from './context';
import { factsFromRows, versionRow } from '../key-fields';
import { metaKeyToWrap, newMetaKeyBytes } from '../key-seal';
import { grantBase, wrapGrant } from '../principals';
import { sealedRow } from './held';
import { keyUnchanged, versionFactsOf } from './key-commit';

const S = DB.stores;

/** A decrypted key record, as a backup merge moves it between vaults. */
export interface KeyDump {
  row: Omit<KeyRow, 'sealedMeta'>;
  meta: SealedMeta;
  versions: (Omit<VersionRow, 'sealedValue'> & { material: Uint8Array | null })[];
}

export class Backups {
  readonly #ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /**
   * Writes an encrypted backup of the whole vault. The backup password is its own (at least 10
   * characters), or the vault password when `useVaultPassword` (then it must open this vault).
   * The export is logged first, so the backup holds its own entry.
   */
  async export(options: { password: string; useVaultPassword?: boolean }): Promise<{ filename: string; bytes: Uint8Array }> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('backup.export');
    if (options.useVaultPassword) {
      await openUserKey(await readUser(ctx.db, ctx.user.id), options.password);
    } else {
      checkNewPassword(options.password);
    }
    const now = ctx.clock.now();
    const keys = (await ctx.ring.load()).size;
    await ctx.writes.write([S.meta], [{ action: 'backup.export', details: { keys, ownPassword: !options.useVaultPassword } }], async (tx) => {
      const meta = await tx.objectStore(S.meta).get('vault');
      if (!meta) throw new VaultError('NoVault', 'the vault is gone from storage');
      await tx.objectStore(S.meta).put({ ...meta, lastBackup: { at: now, headSeq: meta.audit.head.seq } });
    });
    // Loaded on first use: the unlock screen's bundle does not carry the backup code (issue #7).
    const { backupFilename, makeBackupFile, readVaultPayload } = await import('../backup');
    const payload = await readVaultPayload(ctx.db);
    const bytes = await guarded(() => makeBackupFile(payload, options.password, now, Math.max(ctx.kdfIterations, DEFAULT_ITERATIONS)));
    return { filename: backupFilename(now), bytes };
  }

  /**
   * When the last backup was made, and whether it is due: older than `maxAgeDays`, or keys changed
   * since (any key entry in the log after the backup's).
   */
  async status(maxAgeDays = 7): Promise<{ lastAt: number | null; due: boolean; changedSince: boolean }> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('backup.export');
    const { meta, rows } = await guarded(() =>
      withTx(ctx.db, [S.meta, S.audit], 'readonly', async (tx) => {
        const meta = await tx.objectStore(S.meta).get('vault');
        const after = meta?.lastBackup ? await tx.objectStore(S.audit).getAll(IDBKeyRange.lowerBound(meta.lastBackup.headSeq, true)) : [];
        return { meta, rows: after };
      }),
    );
    const last = meta?.lastBackup ?? null;
    const changedSince = last !== null && rows.some((r) => r.action.startsWith('key.') && !['key.reveal', 'key.copy', 'key.export'].includes(r.action));
    const old = last === null || ctx.clock.now() - last.at > maxAgeDays * DAY_MS;
    return { lastAt: last?.at ?? null, due: old || changedSince, changedSince };
  }

  /** Vault.restoreBackup asks here when a signed-in person replaces the vault. */
  async authorizeRestore(): Promise<void> {
    await this.#ctx.guard.authorize('backup.restore');
  }

  /**
   * Every key this user holds, decrypted, with every version's material (null when destroyed): for a
   * merge from a backup. Logged as one entry, since it reads every secret.
   */
  async dump(purpose: string): Promise<KeyDump[]> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('backup.restore');
    // A merge moves material: only keys this user may use are read (the others stay as they are).
    const held = new Map([...(await ctx.ring.load())].filter(([, h]) => atLeast(h.permission, 'use')));
    await ctx.writes.record({ action: 'key.export', details: { purpose, keys: held.size } });
    const out: KeyDump[] = [];
    for (const [id, h] of held) {
      const dek = await ctx.ring.dek(id);
      const rows = await guarded(() => ctx.db.getAllFromIndex(S.versions, 'byKey', id));
      // The versions' plaintext is the sealed facts' (issue #14), not what storage says; a version the facts call
      // destroyed carries no material even if a sealed value was put back.
      const facts = await versionFactsOf(ctx, h);
      const versions = await Promise.all(
        rows.map(async (stored) => {
          const f = facts[stored.version - 1];
          const { sealedValue, ...v } = f ? versionRow(id, stored.version, f, stored.sealedValue) : stored;
          const gone = sealedValue === null || v.destroyedAt !== null;
          return { ...v, material: gone ? null : await guarded(() => open(dek, sealedValue, aad.value(id, v.version))) };
        }),
      );
      const { sealedMeta: _m, ...row } = h.row;
      out.push({ row, meta: h.meta, versions: versions.sort((a, b) => a.version - b.version) });
    }
    return out;
  }

  /**
   * Writes decrypted records as this user's keys, each under a fresh data key, all in one transaction:
   * `replace` first removes the key of the same id with its versions, and wraps the new data key again for everyone
   * else who held it. Replacing needs "manage" on the key (a merge must not make its admin a key's owner, issue #14).
   * Any failure changes nothing.
   */
  async importRecords(records: { add: KeyDump[]; replace: KeyDump[] }, details: Record<string, unknown>): Promise<void> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('backup.restore');
    const userKey = ctx.key();
    const userId = ctx.user.id;
    const now = ctx.clock.now();
    for (const d of [...records.add, ...records.replace]) {
      if (!isKeyId(d.row.id)) throw new VaultError('InvalidInput', 'a key in the backup has an id Keyward never makes; nothing was merged', { field: 'id' });
    }
    const held = await ctx.ring.load();
    const replacing = records.replace.map((d) => {
      const mine = held.get(d.row.id as KeyId);
      if (!mine || !atLeast(mine.permission, 'manage')) throw new VaultError('AccessDenied', 'replacing a key from a backup needs "manage" on it; keep yours or keep both');
      return { dump: d, mine };
    });
    const others = new Map(
      await Promise.all(replacing.map(async ({ dump }) => [dump.row.id, (await guarded(() => ctx.db.getAllFromIndex(S.grants, 'byKey', dump.row.id))).filter((g) => g.principalId !== userId)] as const)),
    );
    const publicKeys = await this.#publicKeys();
    const prepared = await guarded(() =>
      Promise.all(
        [...records.add.map((d) => ({ dump: d, mine: null })), ...replacing].map(async ({ dump: d, mine }) => {
          const id = d.row.id;
          const staying = others.get(id) ?? [];
          const dek = await generateDataKey();
          // A meta key of its own only where someone keeps a "view" grant (the backup's wrappedMetaKey is stale: issue #14),
          // and never the DEK. The row is sealed with its fields and its versions' facts (FORMAT.md §2.1).
          const raw = staying.some((g) => g.wrappedDek === null) ? newMetaKeyBytes() : null;
          const metaKey = raw ? await metaKeyToWrap(raw) : null;
          const { wrappedMetaKey: _stale, ...rest } = d.row as KeyDump['row'] & { wrappedMetaKey?: Uint8Array };
          const facts = factsFromRows(d.row.currentVersion, d.versions.map((v) => ({ ...v, sealedValue: null })));
          const { row } = await sealedRow(dek, { ...rest, sealedMeta: new Uint8Array(0) }, d.meta, facts, raw);
          const grant: GrantRow = { keyId: id, principalId: userId, permission: mine?.permission ?? 'owner', createdAt: now, wrappedDek: await wrapKey(userKey, dek, aad.dek(id, userId)) };
          const rewrapped = await Promise.all(
            staying.map((g) => {
              const publicKey = publicKeys.get(g.principalId);
              if (!publicKey) throw new VaultError('Corrupt', 'a grantee has no public key');
              return wrapGrant(grantBase(g), { dek: g.wrappedDek ? dek : null, metaKey: g.wrappedDek ? null : metaKey }, { publicKey });
            }),
          );
          const versions: VersionRow[] = await Promise.all(
            d.versions.map(async ({ material, ...v }) => ({ ...v, keyId: id, sealedValue: material === null ? null : await seal(dek, material, aad.value(id, v.version)) })),
          );
          return { row, grants: [grant, ...rewrapped], versions, mine };
        }),
      ),
    );
    const replaceIds = records.replace.map((d) => d.row.id);
    await ctx.writes.write([S.keys, S.versions, S.grants], [{ action: 'backup.restore', details }], async (tx) => {
      const versions = tx.objectStore(S.versions);
      const grants = tx.objectStore(S.grants);
      const keys = tx.objectStore(S.keys);
      for (const p of prepared) if (p.mine) await keyUnchanged(tx, p.mine);
      for (const id of replaceIds) {
        const [vk, gk] = await Promise.all([versions.index('byKey').getAllKeys(id), grants.index('byKey').getAllKeys(id)]);
        await allRequests([() => keys.delete(id), ...vk.map((k) => () => versions.delete(k)), ...gk.map((k) => () => grants.delete(k))]);
      }
      await allRequests(prepared.flatMap((p) => [() => keys.add(p.row), ...p.grants.map((g) => () => grants.add(g)), ...p.versions.map((v) => () => versions.add(v))]));
    }, { grants: true });
    // Re-read from storage at next use: ids, data keys and metadata all changed.
    ctx.ring.reread([...replaceIds, ...records.add.map((d) => d.row.id)] as KeyId[]);
  }

  /** Every user's and group's public key, by id. */
  async #publicKeys(): Promise<Map<string, JsonWebKey>> {
    const { users, groups } = await guarded(() =>
      withTx(this.#ctx.db, [S.users, S.groups], 'readonly', async (tx) => ({ users: await tx.objectStore(S.users).getAll(), groups: await tx.objectStore(S.groups).getAll() })),
    );
    const out = new Map<string, JsonWebKey>();
    // The ledger's public keys, never the rows' (issue #14).
    for (const u of users) {
      const key = this.#ctx.ledger.publicKey(u.id, u.publicKey);
      if (key) out.set(u.id, key);
    }
    for (const g of groups) {
      const key = this.#ctx.ledger.publicKey(g.id, g.publicKey);
      if (key) out.set(g.id, key);
    }
    return out;
  }
}
