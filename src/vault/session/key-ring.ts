// Owns the keys an unlocked session holds: every key this user has a grant for (directly or through a group),
// opened once per unlock from the rows read beside the key derivation — each row's plaintext fields checked against
// their sealed copy (issue #14) — with their data keys and the principals' private keys, all dropped on lock.

import type { DataKey } from '../../crypto';
import type { GrantRow, GroupRow, MemberRow, UserRow } from '../../storage';
import { PERMISSIONS } from '../access';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import { readKeyRows, type KeyRowsRead } from '../key-rows';
import { isKeyId } from '../validate';
import { upgradedDestroyAt } from '../key-fields';
import { FieldsMismatch, openKeyRow, openKeyRowAsViewer } from '../key-seal';
import { openAsMember, openGrant, openUserPrivate, ownPrincipal, type OpenPrincipal } from '../principals';
import type { KeyId } from '../types';
import type { SessionContext } from './context';
import type { Held } from './held';

/** What the first load of the list opened: each key as held and its DEK (null under a view grant); the principals' keys. */
interface OpenedKeys {
  entries: [KeyId, Held, DataKey | null][];
  principals: Map<string, OpenPrincipal>;
  unreadable: Unreadable[];
}

/** A key row left out of the list because it failed to open or to verify, and why (no value from the row but its id). */
export interface Unreadable {
  id: string;
  why: string;
}

export class KeyRing {
  readonly #ctx: SessionContext;
  /** Unwrapped (non-extractable) DEKs and decrypted records: dropped on lock. */
  #deks = new Map<KeyId, DataKey>();
  /** The user's own ECDH private key and those of the groups they belong to: dropped on lock. */
  #principals = new Map<string, OpenPrincipal>();
  #held: Map<KeyId, Held> | null = null;
  #loading: Promise<Map<KeyId, Held>> | null = null;
  /** Bumped by forgetCached(): a load started before it must not keep what it read. */
  #generation = 0;
  #prefetched: KeyRowsRead | null;
  #unreadable: readonly Unreadable[] = [];
  /** Ids already reported in the log by this session (a reload after another tab's change does not report them again). */
  readonly #reported = new Set<string>();

  constructor(ctx: SessionContext, prefetched: KeyRowsRead | null) {
    this.#ctx = ctx;
    this.#prefetched = prefetched;
    ctx.onDrop(() => {
      this.#deks.clear();
      this.#principals.clear();
      this.#held = null;
    });
  }

  /** Decrypts every key this user holds a grant for (directly or through a group), once per unlock. */
  load(): Promise<Map<KeyId, Held>> {
    this.#ctx.key();
    if (this.#held) return Promise.resolve(this.#held);
    this.#loading ??= this.#loadAll().finally(() => (this.#loading = null));
    return this.#loading;
  }

  async get(id: KeyId): Promise<Held> {
    const held = (await this.load()).get(id);
    if (!held) throw new VaultError('NotFound', 'no such key');
    return held;
  }

  async dek(id: KeyId): Promise<DataKey> {
    const userKey = this.#ctx.key();
    const cached = this.#deks.get(id);
    if (cached) return cached;
    const held = await this.get(id);
    if (held.grant.wrappedDek === null) throw new VaultError('AccessDenied', 'a "view" grant holds no data key');
    const { dek } = await guarded(() => openGrant(held.grant, userKey, this.#principals.get(held.grant.principalId)));
    if (!this.#ctx.locked && dek) this.#deks.set(id, dek);
    return dek!;
  }

  /** An opened principal (this user or one of their groups), or undefined. */
  principal(id: string): OpenPrincipal | undefined {
    return this.#principals.get(id);
  }

  /**
   * Keeps a key as it is now held, where the list is loaded; with its freshly opened data key, if any. (No meta key
   * is kept: a write opens it from the row with the DEK, and nothing here can hand a DEK out as one — issue #14.)
   */
  keep(id: KeyId, held: Held | null, keys: { dek?: DataKey } = {}): void {
    if (held) this.#held?.set(id, held);
    if (keys.dek) this.#deks.set(id, keys.dek);
  }

  /** A key removed for good. */
  drop(id: KeyId): void {
    this.#held?.delete(id);
    this.#deks.delete(id);
  }

  /** Keys whose ids, data keys and metadata changed (a backup merge): read from storage at next use. */
  reread(ids: readonly KeyId[]): void {
    this.#held = null;
    for (const id of ids) this.#deks.delete(id);
  }

  /** Drops what was opened through groups and grants, so the next read opens them afresh. */
  forget(): void {
    this.#held = null;
    this.#deks.clear();
  }

  /**
   * Another tab changed stored keys: forgets the decrypted records and data keys, so the next read loads
   * them again from storage; a load under way does not keep what it read. Throws VaultError('Locked') on a
   * locked session.
   */
  forgetCached(): void {
    this.#ctx.key(); // locked: nothing is cached, and like every method it refuses (lock-hygiene.test.ts)
    this.forget();
    this.#loading = null;
    this.#generation++;
  }

  /** The rows read early are stale (a KDF upgrade rewrote this user's rows): the first load reads again. */
  dropPrefetched(): void {
    this.#prefetched = null;
  }

  async #loadAll(): Promise<Map<KeyId, Held>> {
    const ctx = this.#ctx;
    const generation = this.#generation;
    const prefetched = this.#prefetched;
    this.#prefetched = null;
    let loaded: OpenedKeys;
    try {
      loaded = await this.#openAll(prefetched ?? readKeyRows(ctx.db, ctx.user.id));
    } catch (error) {
      // The early read failed (not the decryption): read again once.
      if (prefetched === null || (await prefetched.done.then(() => true, () => false))) throw error;
      loaded = await this.#openAll(readKeyRows(ctx.db, ctx.user.id));
    }
    // A lock() while decrypting wins: nothing decrypted is kept.
    if (ctx.locked) throw new VaultError('Locked', 'the vault is locked');
    if (generation !== this.#generation) return this.load();
    if (this.#held) return this.#held;
    const map = new Map<KeyId, Held>();
    this.#principals = loaded.principals;
    for (const [id, h, dek] of loaded.entries) {
      map.set(id, h);
      if (dek) this.#deks.set(id, dek);
    }
    this.#held = map;
    this.#unreadable = Object.freeze([...loaded.unreadable].sort((a, b) => a.id.localeCompare(b.id)));
    this.#report(loaded.unreadable);
    return map;
  }

  /** Key rows the last load left out (damaged, or changed outside Keyward). */
  get unreadable(): readonly Unreadable[] {
    return this.#unreadable;
  }

  /** One integrity.failed entry naming rows not reported before (ids only); never fails the load. */
  #report(rows: readonly Unreadable[]): void {
    const fresh = rows.filter((r) => !this.#reported.has(r.id));
    if (fresh.length === 0) return;
    for (const r of fresh) this.#reported.add(r.id);
    const ids = fresh.map((r) => r.id).sort();
    void this.#ctx.writes.record({ action: 'integrity.failed', outcome: 'failed', details: { store: 'keys', ids, why: [...new Set(fresh.map((r) => r.why))] } }).catch(() => undefined);
  }

  /**
   * Opens every key this user holds a grant for, slice by slice as the rows arrive (key-rows.ts): the first slices
   * are being decrypted while the browser still reads the next ones.
   */
  async #openAll(read: KeyRowsRead): Promise<OpenedKeys> {
    const userKey = this.#ctx.key();
    const now = this.#ctx.clock.now();
    const unreadable: Unreadable[] = [];
    const opening = guarded(async () => {
      const { principals, slices } = await read.rows;
      const open_ = await this.#openPrincipals(principals.self, principals.members, principals.groups);
      const opened = await Promise.all(
        slices.map(async (slice) => {
          const { grants, keys } = await slice;
          // One grant per key: the highest permission; between equals, the user's own wrapping (no ECDH to do).
          const best = new Map<string, GrantRow>();
          for (const g of grants) {
            const cur = best.get(g.keyId);
            if (!cur || PERMISSIONS.indexOf(g.permission) > PERMISSIONS.indexOf(cur.permission) || (g.permission === cur.permission && !g.epk && cur.epk)) best.set(g.keyId, g);
          }
          return Promise.all(
            [...best.values()].map(async (grant): Promise<[KeyId, Held, DataKey | null] | null> => {
              const row = keys.get(grant.keyId);
              if (!row) return null;
              const id = row.id as KeyId;
              // Fail closed, not bricked (issue #14): a row that does not open is left out and reported; the rest opens.
              if (!isKeyId(id)) return unreadable.push({ id, why: 'an id Keyward never makes' }), null;
              try {
                const { dek, metaKey } = await openGrant(grant, userKey, open_.get(grant.principalId));
                // Issue #14: the plaintext fields are checked against the DEK-bound copy (a view holder: the metadata's copy).
                const opened = dek ? await openKeyRow(row, dek) : metaKey ? await openKeyRowAsViewer(row, metaKey) : null;
                if (!opened) throw new TypeError('a grant holds neither a data key nor a meta key');
                // A legacy row (no sealed fields) is held with the destruction time an upgrade would keep (key-fields.ts).
                const held = opened.fields ? row : { ...row, destroyAt: upgradedDestroyAt(row, opened.meta.history, now) };
                return [id, { row: held, meta: opened.meta, permission: grant.permission, grant, fields: opened.fields }, dek];
              } catch (error) {
                unreadable.push({ id, why: error instanceof FieldsMismatch ? 'its plaintext fields do not match their sealed copy' : 'its grant or metadata does not open' });
                return null;
              }
            }),
          );
        }),
      );
      return { entries: opened.flat().filter((e) => e !== null), principals: open_, unreadable };
    });
    // A storage failure is the transaction's error (StorageError), not the request's that surfaced first.
    const [result, ended] = await Promise.allSettled([opening, guarded(() => read.done)]);
    if (ended.status === 'rejected') throw ended.reason;
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  }

  /** Opens the user's own private key and each of their groups' (for grants made by ECDH). */
  async #openPrincipals(self: UserRow | undefined, members: MemberRow[], groups: Map<string, GroupRow>): Promise<Map<string, OpenPrincipal>> {
    const userKey = this.#ctx.key();
    const out = new Map<string, OpenPrincipal>();
    if (!self?.sealedPrivateKey) return out;
    // Public halves from the private keys, not from the rows (issue #14): a swapped row key cannot lock anyone out.
    const me = await ownPrincipal(self.id, await openUserPrivate(self.id, userKey, self.sealedPrivateKey, true));
    out.set(self.id, me);
    for (const m of members) {
      const group = groups.get(m.groupId);
      if (group) out.set(group.id, await ownPrincipal(group.id, await openAsMember(m, me, true)));
    }
    return out;
  }
}
