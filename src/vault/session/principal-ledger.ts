// Owns the ledger of principals as a session sees it (issue #14): verified at unlock against this user's pin and
// caught up with links other tabs add; the only source of roles, public keys and memberships the session trusts;
// the links this session signs, stored inside the write they belong to, with the pin moved forward in the same write.

import { fromBase64Url, jwkFromPoint, pointFromJwk, toBase64Url, type UserKey } from '../../crypto';
import { DB, withTx, type LedgerBody, type LedgerRow, type StoreName, type Tx } from '../../storage';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import { checkPin, cloneState, emptyState, linkHash, NO_PREV, makeLinks, memberKey, openPin, sealPin, verifyLinks, type Head, type KeyCache, type LedgerPrincipal, type LedgerProblem, type LedgerState, type Signer, type Verified } from '../ledger';
import { openUserSigning, type UserSigningKey } from '../principals';
import type { Role } from '../types';
import type { SessionContext } from './context';

const S = DB.stores;

/** Links signed and ready to store in a write (FORMAT.md §7.1), with the state and head they lead to and the new pin. */
export interface PreparedLinks {
  from: number;
  rows: LedgerRow[];
  state: LedgerState;
  head: Head;
  root: Uint8Array;
  pin: Uint8Array;
}

/** Thrown inside a write's transaction when another tab appended links meanwhile. */
export class LedgerMoved extends Error {}

export class PrincipalLedger {
  readonly #ctx: SessionContext;
  /** null: no ledger yet and this user never pinned one (a vault from before version 3 the owner has not opened). */
  #verified: Verified | null = null;
  #signing: UserSigningKey | null = null;
  #cache: KeyCache = new Map();
  #problem: LedgerProblem | null = null;
  #vaultId = '';

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
    ctx.onDrop(() => {
      this.#signing = null;
      this.#cache = new Map();
    });
  }

  /** True once the vault has a ledger this session verified (else rows are trusted as before version 3). */
  get active(): boolean {
    return this.#verified !== null;
  }

  /** Where the ledger stopped verifying (or was found replaced or rolled back), if it did. */
  get problem(): LedgerProblem | null {
    return this.#problem;
  }

  /** The number of verified links: the next link's number. */
  get count(): number {
    return this.#verified?.count ?? 0;
  }

  get state(): LedgerState | null {
    return this.#verified?.state ?? null;
  }

  /** This user's signing public key as held here (null: none yet). */
  get signingPoint(): string | null {
    return this.#signing?.point ?? null;
  }

  /** This user in the ledger. */
  get me(): LedgerPrincipal | undefined {
    return this.#verified?.state.users.get(this.#ctx.user.id);
  }

  /**
   * At unlock: reads every link and this user's row, opens their signing key and pin, and verifies the ledger from
   * its first link. A ledger that fails is kept up to its last good link, and the failure is reported once.
   */
  async load(): Promise<void> {
    const ctx = this.#ctx;
    const userKey = ctx.key();
    const { rows, me, meta } = await guarded(() =>
      withTx(ctx.db, [S.ledger, S.users, S.meta], 'readonly', async (tx) => ({
        rows: await tx.objectStore(S.ledger).getAll(),
        me: await tx.objectStore(S.users).get(ctx.user.id),
        meta: await tx.objectStore(S.meta).get('vault'),
      })),
    );
    if (!me) throw new VaultError('Locked', 'this user was removed');
    if (!meta) throw new VaultError('NoVault', 'there is no vault in this browser');
    this.#vaultId = meta.vaultId;
    this.#signing = await openUserSigning(me.id, userKey, me.sealedSigningKey);
    const pin = await openPin(me.id, userKey, me.pin).catch(() => {
      // A pin that does not open under this user's own key was written by someone else: nothing pinned is trusted.
      this.#problem = { seq: 0, why: 'your pin on the ledger does not open (it was replaced)' };
      return { root: new Uint8Array(32), seq: 0, head: new Uint8Array(32) };
    });
    if (rows.length === 0 && pin === null) {
      this.#verified = null;
      return;
    }
    const verified = await checkPin(meta.vaultId, rows, await verifyLinks(meta.vaultId, rows, undefined, this.#cache), pin);
    this.#verified = verified;
    this.#problem ??= verified.problem;
  }

  /** Links other tabs added since this session's last look (the guard reads them in its transaction). */
  async absorb(rows: readonly unknown[]): Promise<void> {
    const v = this.#verified;
    if (!v || rows.length === 0 || this.#problem) return;
    const next = await verifyLinks(v.state.vaultId, rows, { ...v, state: cloneState(v.state) }, this.#cache);
    this.#verified = next;
    if (next.problem) this.#problem = next.problem;
  }

  /** Where to read new links from (IDBKeyRange.lowerBound of this). */
  get nextSeq(): number {
    return this.#verified?.count ?? 0;
  }

  /** A user's role: from the ledger once there is one (null: not a user there), else the row's. */
  role(userId: string, rowRole: Role | undefined): Role | null {
    if (!this.#verified) return rowRole ?? null;
    return this.#verified.state.users.get(userId)?.role ?? null;
  }

  /**
   * The signed-in user's own role for the guard. A user the verified ledger does not hold (a broken or hijacked ledger)
   * keeps what their grants give — as a member, or an auditor if their row says so — and no admin power: the vault
   * fails closed for the directory without locking them out of their keys.
   */
  ownRole(rowRole: Role): Role {
    const role = this.role(this.#ctx.user.id, rowRole);
    if (role !== null) return role;
    return rowRole === 'auditor' ? 'auditor' : 'member';
  }

  /** A principal's ECDH public key to wrap for: the ledger's, else (no ledger yet) the row's. Null: none to trust. */
  publicKey(principalId: string, rowKey: JsonWebKey | undefined): JsonWebKey | null {
    if (!this.#verified) return rowKey ?? null;
    // A ledger that failed (forged, replaced or rolled back) may name someone removed since: wrap for no one until fixed.
    if (this.#problem) return null;
    const s = this.#verified.state;
    const point = s.users.get(principalId)?.ecdh ?? s.groups.get(principalId)?.ecdh;
    return point ? jwkFromPoint(fromBase64Url(point)) : null;
  }

  /** Whether the ledger makes `userId` a member of `groupId` (no ledger yet: the rows say). */
  isMember(groupId: string, userId: string, rowSays: boolean): boolean {
    return this.#verified ? this.#verified.state.members.has(memberKey(groupId, userId)) : rowSays;
  }

  /**
   * Signs `bodies` as the next links, checked against the rules first (a link this user may not make throws
   * AccessDenied before anything is signed). `signer` overrides this user's key (a first sign-in signs with the
   * key the ledger knows, or the new one when it knows none). Returns null when there is no ledger yet.
   */
  async prepare(bodies: readonly LedgerBody[], options: { signer?: Signer; userKey?: UserKey; genesis?: boolean } = {}): Promise<PreparedLinks | null> {
    // The owner's first links of a vault from before version 3 start from nothing (FORMAT.md §7.5).
    const v = options.genesis && !this.#verified ? { state: emptyState(this.#vaultId), count: 0, head: NO_PREV, root: null, problem: null } : this.#verified;
    if (!v || bodies.length === 0) return null;
    if (this.#problem) throw new VaultError('Corrupt', 'the ledger of users and groups did not verify; restore a backup before changing users or groups');
    const key = options.signer ?? this.#signing;
    if (!key) throw new VaultError('Corrupt', 'you have no signing key yet; unlock again');
    const made = await makeLinks(v.state.vaultId, v.state, v, this.#ctx.user.id, key, bodies, this.#ctx.clock.now()).catch((error: unknown) => {
      throw new VaultError('AccessDenied', error instanceof Error ? error.message : 'refused');
    });
    const root = v.root ?? (await linkHash(v.state.vaultId, made.rows[0]!));
    const pin = await sealPin(this.#ctx.user.id, options.userKey ?? this.#ctx.key(), { root, seq: made.head.count - 1, head: made.head.head });
    return { from: v.count, rows: made.rows, state: made.state, head: made.head, root, pin };
  }

  /** The pin of the ledger as verified now, sealed under `userKey` (default: the session's); null without a ledger. */
  async pinNow(userKey?: UserKey): Promise<Uint8Array | null> {
    const v = this.#verified;
    if (!v || !v.root || v.count === 0 || this.#problem) return null;
    return sealPin(this.#ctx.user.id, userKey ?? this.#ctx.key(), { root: v.root, seq: v.count - 1, head: v.head });
  }

  /** Inside the write: no link was added meanwhile; the links go in, and this user's pin moves to them. */
  async store(tx: Tx<StoreName[], 'readwrite'>, p: PreparedLinks): Promise<void> {
    const store = tx.objectStore(S.ledger);
    if ((await store.count()) !== p.from) throw new LedgerMoved('the ledger changed in another tab');
    for (const row of p.rows) await store.add(row);
    const users = tx.objectStore(S.users);
    const me = await users.get(this.#ctx.user.id);
    if (me) await users.put({ ...me, pin: p.pin });
  }

  /** After the write committed: the session's view moves to the links it stored. */
  adopt(p: PreparedLinks): void {
    this.#verified = { state: p.state, count: p.head.count, head: p.head.head, root: p.root, problem: null };
  }

  /** A new signing key of this user's (made at unlock or first sign-in), once its link is stored. */
  useSigningKey(signer: UserSigningKey): void {
    this.#signing = signer;
  }

  /** Re-reads links after a write lost the race to another tab (browsers without Web Locks). */
  async catchUp(): Promise<void> {
    const from = this.nextSeq;
    const rows = await guarded(() => this.#ctx.db.getAll(S.ledger, IDBKeyRange.lowerBound(from)));
    await this.absorb(rows);
  }

  /** The ECDH point of a JWK as the ledger writes it. */
  static point(jwk: JsonWebKey): string {
    return toBase64Url(pointFromJwk(jwk));
  }

}
