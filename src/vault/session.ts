// Owns an unlocked session: the user key in memory and every operation on key records and their lifecycle.

import {
  bytesEqual,
  DEFAULT_ITERATIONS,
  deriveKek,
  generateEcdhKeyPair,
  generateUserKey,
  newKdfParams,
  generateDataKey,
  generateSecret,
  generateTypedKey,
  importKeyMaterial,
  exportPrivatePem,
  exportPublicPem,
  isSymmetric,
  open,
  randomId,
  seal,
  TypedKeyError,
  unwrapDataKey,
  utf8Decode,
  utf8Encode,
  wrapKey,
  type DataKey,
  type KeyAlgorithm,
  type KeyMaterial,
  type UserKey,
} from '../crypto';
import { allRequests, DB, withTx, withWriteLock, type WriteLock, type AuditPendingRow, type AuditRow, type GrantRow, type GroupRow, type KeyRow, type KeywardDb, type MemberRow, type StoreName, type Tx, type UserRow, type VersionRow } from '../storage';
import { ASSIGNABLE_ROLES, atLeast, denial, GRANTABLE, isAdmin, maxPermission, PERMISSIONS, type Operation, type Permission } from './access';
import { readKeyRows, type KeyRowsRead } from './key-rows';
import { grantBase, newMetaKey, newUserKeyPair, openAsMember, openGrant, openMetaKey, openUserPrivate, sealForMember, wrapGrant, type OpenPrincipal } from './principals';
import { aad } from './context';
import { VaultError } from './errors';
import { asVaultError, guarded } from './failures';
import { addDays, DAY_MS, isLegalTransition, nextRotationAt, stateAllows, type KeyUse } from './lifecycle';
import { parseMaterial, parseMeta, type SealedMeta } from './records';
import { applyUserKeyChange, openUserKey, readUser, prepareKdfUpgrade, preparePasswordChange, prepareUserKeyRotation, type UserKeyChange } from './user-keys';
import { AuditLog, HeadMoved, type AuditEvent } from './audit-log';
import { verifyChain, type AuditAction, type AuditEntryView, type ChainResult } from './audit-chain';
export type { AuditEntryView } from './audit-chain';
import { buildReport, matches, ReportIndex, type AuditFilter, type AuditReport, type ReportRow } from './audit-report';
import { buildExport, fingerprintOf, toCsv } from './audit-export';
import { openSigningKey } from './audit-keys';
import {
  checkActivation,
  checkAlgorithm,
  checkDestructionDays,
  checkFormat,
  checkKeepVersions,
  checkKeyInput,
  checkName,
  checkNewPassword,
  checkNotes,
  checkReason,
  checkRotation,
  checkSettings,
  checkTags,
  checkValue,
  checkGroupName,
  checkUserName,
} from './validate';
import {
  DEFAULT_ROTATION,
  KEEP_VERSIONS,
  type Clock,
  type KeyEvent,
  type KeyId,
  type KeyInput,
  type KeyState,
  type KeySummary,
  type KeyVersionInfo,
  type Settings,
  type SignedInUser,
  type TypedKeyInput,
  type VersionOrigin,
  type AccessEntry,
  type GroupInfo,
  type PrincipalInfo,
  type Role,
  type UserId,
  type UserInfo,
} from './types';

const S = DB.stores;

/** Which entries "Archive and trim" would take (docs/AUDIT.md §6). */
export interface AuditArchivePlan {
  fromSeq: number;
  throughSeq: number;
  count: number;
  /** Times of the first and last of those entries. */
  firstAt: number;
  lastAt: number;
}

/** The signed JSON export of the entries about to be trimmed: save `text` as `filename`, then trim. */
export interface AuditArchive {
  readonly filename: string;
  readonly mime: string;
  readonly text: string;
  readonly count: number;
  readonly fromSeq: number;
  readonly throughSeq: number;
  /** The export's last hash (docs/AUDIT.md §5), also chained in the checkpoint entry. */
  readonly head: string;
}
/** The actor of work that falls due by itself (activation, automatic rotation, scheduled destruction). */
export const SYSTEM_ACTOR = 'system';
/** How long after the first load of the key list the unlock's chain check starts (a few frames). */
const LOG_CHECK_DELAY_MS = 100;

export interface SessionInit {
  /**
   * The key rows, read while the password was being checked (Vault.unlock starts the read before the
   * key derivation, which runs off the main thread): the first load of the list uses them instead of
   * reading again. Rows only — nothing here is decrypted before the password has opened the user key.
   */
  prefetched?: KeyRowsRead;
  db: KeywardDb;
  clock: Clock;
  user: SignedInUser;
  userKey: UserKey;
  /**
   * The stored wrapping (UserRow.wrappedUserKey) `userKey` was opened from. A write that stores a grant
   * checks, inside its transaction, that the stored row still holds it: if another tab changed this user's
   * key (or password) meanwhile, the write is refused rather than store what the new key cannot open.
   */
  wrappedUserKey: Uint8Array;
  settings: Settings;
  kdfIterations: number;
  audit: AuditLog;
}

/** What unlock hands to start(): failed unlocks to fold into the log, and a KDF upgrade to make. */
export interface SessionStart {
  pending?: AuditPendingRow[];
  kdfUpgrade?: { user: UserRow; extractableUserKey: UserKey; password: string; floor: number } | null;
  /** A new vault: its creation entry is already written. */
  created?: boolean;
}

/** A decrypted record kept in memory while unlocked, with the grant it was opened through. */
interface Held {
  row: KeyRow;
  meta: SealedMeta;
  permission: Permission;
  grant: GrantRow;
}

/** What the first load of the list opened: each key as held, its DEK (null under a view grant) and meta key; the principals' keys. */
interface OpenedKeys {
  entries: [KeyId, Held, DataKey | null, DataKey][];
  principals: Map<string, OpenPrincipal>;
}

/** What one change to a key writes: the next row and metadata, and version rows to add or replace. */
interface Change {
  row: KeyRow;
  meta: SealedMeta;
  addVersions?: VersionRow[];
  putVersions?: VersionRow[];
}

export type ExportPart = 'public' | 'private' | 'secret';
export type ExportFormat = 'jwk' | 'pem';

/**
 * Why a session locked: asked to ('manual'), auto-lock ('auto'), or its user key was found changed by
 * another tab, by the guard or inside a write ('rekeyed'; the call failed with VaultError 'Locked').
 */
export type LockCause = 'manual' | 'auto' | 'rekeyed';

interface WriteOptions {
  /**
   * The write stores grants (or this user's key pair): it also checks, in its transaction, that this
   * session's user key is still the stored one (#userKeyStands).
   */
  grants?: boolean;
}

/** Why a session whose user key another tab replaced refuses (VaultError 'Locked'); no secret in it. */
const USER_KEY_CHANGED = 'your password or user key was changed in another tab; unlock again';

/** Thrown inside a write's transaction by #userKeyStands; #write turns it into a lock and VaultError 'Locked'. */
class UserKeyChanged extends Error {
  constructor(readonly removed: boolean) {
    super(removed ? 'this user was removed' : USER_KEY_CHANGED);
  }
}

export interface DueWork {
  activated: KeyId[];
  rotated: KeyId[];
  destroyed: KeyId[];
}

export class Session {
  readonly user: SignedInUser;
  readonly #db: KeywardDb;
  readonly #clock: Clock;
  #kdfIterations: number;
  #kdfUpgrade: { from: number; to: number } | null = null;
  #userKey: UserKey | null;
  /** SessionInit.wrappedUserKey, updated when this session itself re-wraps the user key. */
  #wrappedUserKey: Uint8Array;
  #audit: AuditLog | null;
  /** Writes run one at a time, so each audit entry is chained from the head the previous one left. */
  #queue: Promise<unknown> = Promise.resolve();
  #logCheck: Promise<ChainResult> | null = null;
  /** Archives made by prepareAuditArchive, with the chain value of their last entry (checked again before trimming). */
  readonly #archives = new WeakMap<AuditArchive, { mac: Uint8Array }>();
  #settings: Settings;
  /** Unwrapped (non-extractable) DEKs and decrypted records: dropped on lock. */
  #deks = new Map<KeyId, DataKey>();
  /** Meta keys of keys whose metadata is sealed apart from the DEK (KeyRow.wrappedMetaKey); else the DEK. */
  #metaKeys = new Map<KeyId, DataKey>();
  /** The user's own ECDH private key and those of the groups they belong to: dropped on lock. */
  #principals = new Map<string, OpenPrincipal>();
  #mustChange: boolean;
  #held: Map<KeyId, Held> | null = null;
  #loading: Promise<Map<KeyId, Held>> | null = null;
  #onLock = new Set<(reason: LockCause) => void>();
  /** Bumped by forgetCached(): a load started before it must not keep what it read. */
  #generation = 0;
  /** The plaintext fields of every audit entry, for reports (no details, no MACs); dropped on lock. */
  #reportIndex: ReportIndex | null = null;
  #prefetched: KeyRowsRead | null;

  constructor(init: SessionInit) {
    this.#db = init.db;
    this.#clock = init.clock;
    this.user = init.user;
    this.#userKey = init.userKey;
    this.#wrappedUserKey = init.wrappedUserKey;
    this.#settings = { ...init.settings };
    this.#kdfIterations = init.kdfIterations;
    this.#audit = init.audit;
    this.#prefetched = init.prefetched ?? null;
    this.#mustChange = init.user.mustChangePassword === true;
  }

  /** True until a user added with a one-time password has chosen their own (everything else is refused). */
  get mustChangePassword(): boolean {
    return this.#mustChange;
  }

  /**
   * The one authorization point (issue #6): every operation passes here first. Refusals are logged as
   * access.denied and raised as AccessDenied (or PasswordChangeRequired). For a key operation it
   * returns the key as this user holds it. The key hierarchy backs every refusal: without a grant
   * there is no wrapping to open, and a "view" grant holds no data key.
   */
  async #authorize(op: Operation, id: KeyId): Promise<Held>;
  async #authorize(op: Operation, id?: null): Promise<undefined>;
  async #authorize(op: Operation, id?: KeyId | null): Promise<Held | undefined> {
    this.#key();
    let why: string | null;
    let code: 'AccessDenied' | 'PasswordChangeRequired' = 'AccessDenied';
    // The keys this user holds are opened first (once per unlock): that decrypts, so it cannot run inside the
    // read below. A failure waits until the user row is checked: a removed user or a user key changed in
    // another tab (a grant wrapped under the new key does not open here) is said as such.
    let held: Held | undefined;
    let loadFailure: { error: unknown } | null = null;
    if (id != null && !this.#mustChange) {
      try {
        held = (await this.#load()).get(id);
      } catch (error) {
        loadFailure = { error };
      }
    }
    // One read: the role afresh (an admin's change or removal applies to a session already open), the grant
    // the key was opened through, and whether the key exists at all.
    const stored = await this.#guardRows(id ?? null, held?.grant ?? null);
    const me = stored.user;
    if (!me) {
      await this.lock();
      throw new VaultError('Locked', 'this user was removed');
    }
    if (!bytesEqual(me.wrappedUserKey, this.#wrappedUserKey)) {
      await this.lock('rekeyed');
      throw new VaultError('Locked', USER_KEY_CHANGED);
    }
    if (loadFailure) throw loadFailure.error;
    if (this.#mustChange) {
      why = 'choose your own password first';
      code = 'PasswordChangeRequired';
    } else if (id != null) {
      if (held && !grantStands(stored.grant, held.grant)) {
        // Granted, changed or revoked elsewhere since this session opened it: open it again from storage.
        this.#forget();
        held = (await this.#load()).get(id);
      }
      if (!held && !stored.keyExists) throw new VaultError('NotFound', 'no such key');
      why = denial(me.role, op, held?.permission ?? null);
    } else {
      why = denial(me.role, op);
    }
    if (why !== null) {
      await this.record({ action: 'access.denied', keyId: id ?? null, version: null, outcome: 'denied', details: { operation: op, why } }).catch(() => undefined);
      throw new VaultError(code, why);
    }
    return held;
  }

  /**
   * What the guard reads, in one readonly transaction: this user's row, the stored grant `grant` was
   * (principal and key), and — for a key operation — whether the key exists.
   */
  #guardRows(id: KeyId | null, grant: GrantRow | null): Promise<{ user: UserRow | undefined; grant: GrantRow | undefined; keyExists: boolean }> {
    return guarded(() =>
      withTx(this.#db, [S.users, S.grants, S.keys], 'readonly', async (tx) => {
        const [user, stored, key] = await Promise.all([
          tx.objectStore(S.users).get(this.user.id),
          grant ? tx.objectStore(S.grants).get([grant.keyId, grant.principalId]) : undefined,
          id != null ? tx.objectStore(S.keys).getKey(id) : undefined,
        ]);
        return { user, grant: stored, keyExists: key !== undefined };
      }),
    );
  }

  /** Set when unlock raised the stored PBKDF2 iterations to the current default. */
  get kdfUpgrade(): { from: number; to: number } | null {
    return this.#kdfUpgrade;
  }

  /**
   * Runs once after unlock: folds failed unlocks recorded while locked into the log, records this
   * unlock, makes a pending KDF upgrade, and starts verifying the whole chain (logCheck()).
   */
  async start(options: SessionStart = {}): Promise<void> {
    const pending = options.pending ?? [];
    if (!options.created) {
      const events: AuditEvent[] = [
        ...pending.map((p): AuditEvent => ({ action: p.action, at: p.at, actor: p.userId, outcome: p.action === 'unlock.failed' ? 'failed' : 'ok', details: { recordedWhileLocked: true, client: p.client } })),
        { action: 'unlock' },
      ];
      await this.#write([S.auditPending], events, async (tx) => {
        const store = tx.objectStore(S.auditPending);
        await allRequests(pending.map((p) => () => store.delete(p.id!)));
      });
    }
    await this.#ensureKeyPair();
    const up = options.kdfUpgrade;
    if (up) {
      // A failure here must not lock the person out: the old wrapping still opens the vault.
      try {
        const change = await prepareKdfUpgrade(up.user, up.extractableUserKey, up.password, up.floor);
        const from = up.user.kdf.iterations;
        await this.#write([S.users, S.grants], [{ action: 'kdf.upgrade', details: { from, to: change.kdf.iterations } }], (tx) => applyUserKeyChange(tx, change));
        this.#kdfUpgrade = { from, to: change.kdf.iterations };
        this.#wrappedUserKey = change.update.wrappedUserKey ?? this.#wrappedUserKey;
        // The upgrade re-wrote this user's rows: read them again rather than use the early read.
        this.#prefetched = null;
        this.#kdfIterations = change.kdf.iterations;
      } catch {
        this.#kdfUpgrade = null;
      }
    }
    // The chain check waits for the first load of the key list: unlocking shows keys first, then verifies.
    // It starts a moment after that load, not in the same turn: the check reads and MACs every entry, and
    // started at once it held the main thread while the list was being rendered (issue #7: list_render).
    this.#logCheck = this.#load()
      .then(() => new Promise<void>((resolve) => setTimeout(resolve, LOG_CHECK_DELAY_MS)))
      .then(() => this.verifyLog());
    this.#logCheck.catch(() => undefined);
  }

  /**
   * A user row from schema version 1 (the owner, before issue #6) has no ECDH key pair: it is made at
   * this unlock, so keys can be granted to them. A failure leaves the vault usable as before.
   */
  async #ensureKeyPair(): Promise<void> {
    const userKey = this.#key();
    try {
      const user = await readUser(this.#db, this.user.id);
      if (user.publicKey && user.sealedPrivateKey) return;
      const pair = await newUserKeyPair(user.id, userKey);
      await this.#write([S.users], [{ action: 'user.keys', details: { userId: user.id } }], async (tx) => {
        const stored = await tx.objectStore(S.users).get(user.id);
        if (!stored || stored.publicKey) return;
        await tx.objectStore(S.users).put({ ...stored, publicKey: pair.publicKey, sealedPrivateKey: pair.sealedPrivateKey });
      }, { grants: true });
    } catch {
      // Tried again at the next unlock.
    }
  }

  /** Vault.restoreBackup asks here when a signed-in person replaces the vault. */
  async authorizeRestore(): Promise<void> {
    await this.#authorize('backup.restore');
  }

  /** The result of the chain check started at unlock (or the latest "Verify log"). */
  logCheck(): Promise<ChainResult> {
    return this.#logCheck ?? this.verifyLog();
  }

  /**
   * Verifies every entry of the audit log against the chain and the stored head, starting from the
   * last archive checkpoint if there is one — whose own chained entry must name that checkpoint.
   */
  async verifyLog(): Promise<ChainResult> {
    const log = this.#log();
    const { rows, audit } = await guarded(() =>
      withTx(this.#db, [S.audit, S.meta], 'readonly', async (tx) => ({ rows: await tx.objectStore(S.audit).getAll(), audit: (await tx.objectStore(S.meta).get('vault'))?.audit ?? null })),
    );
    const start = audit?.checkpoint ?? undefined;
    // The rows are read anyway: the report index is built from the same snapshot (reports then read no row).
    this.#reportIndex = ReportIndex.from(rows, audit?.checkpoint?.seq ?? 0);
    const result = await verifyChain(log.macKey, rows, audit?.head ?? null, start);
    if (!result.ok || !start) return result;
    const marker = rows.findLast((r) => r.action === 'audit.checkpoint');
    const details = marker ? await log.openDetails(marker).catch(() => null) : null;
    // The first entry missing is the one after what the chained checkpoint says was trimmed.
    if (!details || details.trimmedThrough !== start.seq) return { ok: false, kind: 'missing', seq: (typeof details?.trimmedThrough === 'number' ? details.trimmedThrough : start.seq) + 1 };
    return result;
  }

  /**
   * "Archive and trim": exports entries up to `throughSeq` as signed JSON (returned for the person to
   * keep), then removes them and chains an audit.checkpoint entry, in one transaction. Never automatic.
   * The UI does the same in two steps (prepareAuditArchive, then trimAuditArchive once the file is saved).
   */
  async archiveAndTrim(throughSeq: number): Promise<{ filename: string; mime: string; text: string; count: number }> {
    const archive = await this.#prepareArchive(throughSeq);
    await this.trimAuditArchive(archive);
    return { filename: archive.filename, mime: archive.mime, text: archive.text, count: archive.count };
  }

  /**
   * What "Archive and trim" of the entries before `before` (ms since the epoch, exclusive) would take: the
   * entries from the first one still in the log up to the last one of the unbroken run older than `before`,
   * never the newest entry. Null when there is none. Reads plaintext fields only; changes nothing.
   */
  async auditArchivePlan(before: number): Promise<AuditArchivePlan | null> {
    await this.#authorize('audit.manage');
    if (!Number.isFinite(before)) throw new VaultError('InvalidInput', '"before" must be a time', { field: 'before' });
    const head = this.#log().head;
    const { rows, checkpoint } = await guarded(() =>
      withTx(this.#db, [S.audit, S.meta], 'readonly', async (tx) => ({
        rows: await tx.objectStore(S.audit).getAll(),
        checkpoint: (await tx.objectStore(S.meta).get('vault'))?.audit.checkpoint ?? null,
      })),
    );
    const fromSeq = (checkpoint?.seq ?? 0) + 1;
    let last: AuditRow | null = null;
    let first: AuditRow | null = null;
    for (const row of rows) {
      if (row.seq < fromSeq) continue;
      // Stop at the first entry on or after `before` (a clock set back can put older times after it: they stay),
      // and always keep the newest entry, which the head names.
      if (row.at >= before || row.seq >= head.seq) break;
      first ??= row;
      last = row;
    }
    if (first === null || last === null) return null;
    return { fromSeq: first.seq, throughSeq: last.seq, count: last.seq - first.seq + 1, firstAt: first.at, lastAt: last.at };
  }

  /**
   * Step 1 of "Archive and trim": verifies the log and makes the signed JSON export of the entries before
   * `before` (see auditArchivePlan) for the person to save. Nothing is removed yet.
   */
  async prepareAuditArchive(before: number): Promise<AuditArchive> {
    const plan = await this.auditArchivePlan(before);
    if (plan === null) throw new VaultError('InvalidInput', 'no entry before that date can be archived', { field: 'before' });
    return this.#prepareArchive(plan.throughSeq);
  }

  /**
   * Step 2: removes exactly the entries `archive` holds, puts the checkpoint beside the head and chains an
   * audit.checkpoint entry, in one transaction — only if the log still holds those entries unchanged
   * (the last one's chain value is the one archived, and the log verifies).
   */
  async trimAuditArchive(archive: AuditArchive): Promise<{ trimmed: number; throughSeq: number }> {
    await this.#authorize('audit.manage');
    const ticket = this.#archives.get(archive);
    if (ticket === undefined) throw new VaultError('InvalidInput', 'this archive was not made by this session', { field: 'archive' });
    this.#archives.delete(archive);
    const { throughSeq } = archive;
    const verified = await this.verifyLog();
    if (!verified.ok) throw new VaultError('Corrupt', `the audit log is broken at entry ${verified.seq}; it is not trimmed`);
    const { last, meta } = await guarded(() =>
      withTx(this.#db, [S.audit, S.meta], 'readonly', async (tx) => ({ last: await tx.objectStore(S.audit).get(throughSeq), meta: await tx.objectStore(S.meta).get('vault') })),
    );
    if (!last || !bytesEqual(last.mac, ticket.mac) || (meta?.audit.checkpoint?.seq ?? 0) + 1 !== archive.fromSeq) {
      throw new VaultError('InvalidInput', 'the log changed since this archive was made; make a new archive', { field: 'archive' });
    }
    const checkpoint = { seq: throughSeq, mac: last.mac };
    await this.#write([S.meta, S.audit], [{ action: 'audit.checkpoint', details: { trimmedThrough: throughSeq, archivedEntries: archive.count, archiveHead: archive.head } }], async (tx) => {
      const m = await tx.objectStore(S.meta).get('vault');
      if (!m) throw new VaultError('NoVault', 'the vault is gone from storage');
      // Re-checked inside the write: another tab may have trimmed in between.
      if ((m.audit.checkpoint?.seq ?? 0) + 1 !== archive.fromSeq) {
        throw new VaultError('InvalidInput', 'the log changed since this archive was made; make a new archive', { field: 'archive' });
      }
      await tx.objectStore(S.audit).delete(IDBKeyRange.upperBound(throughSeq));
      await tx.objectStore(S.meta).put({ ...m, audit: { ...m.audit, checkpoint } });
    });
    return { trimmed: archive.count, throughSeq };
  }

  async #prepareArchive(throughSeq: number): Promise<AuditArchive> {
    await this.#authorize('audit.manage');
    const log = this.#log();
    const head = log.head;
    if (!Number.isInteger(throughSeq) || throughSeq < 1 || throughSeq >= head.seq) {
      throw new VaultError('InvalidInput', `archive entries up to one before the last (1 to ${head.seq - 1})`, { field: 'throughSeq' });
    }
    const meta = await guarded(() => this.#db.get(S.meta, 'vault'));
    const from = (meta?.audit.checkpoint?.seq ?? 0) + 1;
    if (throughSeq < from) throw new VaultError('InvalidInput', `entries up to ${from - 1} are archived already`, { field: 'throughSeq' });
    const verified = await this.verifyLog();
    if (!verified.ok) throw new VaultError('Corrupt', `the audit log is broken at entry ${verified.seq}; it is not trimmed`);
    const out = await this.#exportRows((r) => r.seq <= throughSeq, { archiveThrough: throughSeq }, 'json');
    const last = await guarded(() => this.#db.get(S.audit, throughSeq));
    if (!last || out.head === null) throw new VaultError('Corrupt', `entry ${throughSeq} is missing`);
    const archive: AuditArchive = Object.freeze({
      filename: out.filename.replace('keyward-audit-', 'keyward-audit-archive-'),
      mime: out.mime,
      text: out.text,
      count: out.count,
      fromSeq: from,
      throughSeq,
      head: out.head,
    });
    this.#archives.set(archive, { mac: last.mac });
    return archive;
  }

  /** "Verify log" on demand: checks the chain and records that it was checked, with the result. */
  async verifyLogNow(): Promise<ChainResult> {
    await this.#authorize('audit.read');
    const result = await this.verifyLog();
    this.#logCheck = Promise.resolve(result);
    await this.record({ action: 'audit.verify', outcome: result.ok ? 'ok' : 'failed', details: result.ok ? { count: result.count } : { kind: result.kind, seq: result.seq } });
    return result;
  }

  /**
   * Writes an encrypted backup of the whole vault. The backup password is its own (at least 10
   * characters), or the vault password when `useVaultPassword` (then it must open this vault).
   * The export is logged first, so the backup holds its own entry.
   */
  async exportBackup(options: { password: string; useVaultPassword?: boolean }): Promise<{ filename: string; bytes: Uint8Array }> {
    await this.#authorize('backup.export');
    if (options.useVaultPassword) {
      await openUserKey(await readUser(this.#db, this.user.id), options.password);
    } else {
      checkNewPassword(options.password);
    }
    const now = this.#clock.now();
    const keys = (await this.#load()).size;
    await this.#write([S.meta], [{ action: 'backup.export', details: { keys, ownPassword: !options.useVaultPassword } }], async (tx) => {
      const meta = await tx.objectStore(S.meta).get('vault');
      if (!meta) throw new VaultError('NoVault', 'the vault is gone from storage');
      await tx.objectStore(S.meta).put({ ...meta, lastBackup: { at: now, headSeq: meta.audit.head.seq } });
    });
    // Loaded on first use: the unlock screen's bundle does not carry the backup code (issue #7).
    const { backupFilename, makeBackupFile, readVaultPayload } = await import('./backup');
    const payload = await readVaultPayload(this.#db);
    const bytes = await guarded(() => makeBackupFile(payload, options.password, now, Math.max(this.#kdfIterations, DEFAULT_ITERATIONS)));
    return { filename: backupFilename(now), bytes };
  }

  /**
   * When the last backup was made, and whether it is due: older than `maxAgeDays`, or keys changed
   * since (any key entry in the log after the backup's).
   */
  async backupStatus(maxAgeDays = 7): Promise<{ lastAt: number | null; due: boolean; changedSince: boolean }> {
    await this.#authorize('backup.export');
    const { meta, rows } = await guarded(() =>
      withTx(this.#db, [S.meta, S.audit], 'readonly', async (tx) => {
        const meta = await tx.objectStore(S.meta).get('vault');
        const after = meta?.lastBackup ? await tx.objectStore(S.audit).getAll(IDBKeyRange.lowerBound(meta.lastBackup.headSeq, true)) : [];
        return { meta, rows: after };
      }),
    );
    const last = meta?.lastBackup ?? null;
    const changedSince = last !== null && rows.some((r) => r.action.startsWith('key.') && !['key.reveal', 'key.copy', 'key.export'].includes(r.action));
    const old = last === null || this.#clock.now() - last.at > maxAgeDays * DAY_MS;
    return { lastAt: last?.at ?? null, due: old || changedSince, changedSince };
  }

  /**
   * Every key this user holds, decrypted, with every version's material (null when destroyed): for a
   * merge from a backup. Logged as one entry, since it reads every secret.
   */
  async dumpRecords(purpose: string): Promise<KeyDump[]> {
    await this.#authorize('backup.restore');
    // A merge moves material: only keys this user may use are read (the others stay as they are).
    const held = new Map([...(await this.#load())].filter(([, h]) => atLeast(h.permission, 'use')));
    await this.record({ action: 'key.export', details: { purpose, keys: held.size } });
    const out: KeyDump[] = [];
    for (const [id, h] of held) {
      const dek = await this.#dek(id);
      const rows = await guarded(() => this.#db.getAllFromIndex(S.versions, 'byKey', id));
      const versions = await Promise.all(
        rows.map(async ({ sealedValue, ...v }) => ({ ...v, material: sealedValue === null ? null : await guarded(() => open(dek, sealedValue, aad.value(id, v.version))) })),
      );
      const { sealedMeta: _m, ...row } = h.row;
      out.push({ row, meta: h.meta, versions: versions.sort((a, b) => a.version - b.version) });
    }
    return out;
  }

  /**
   * Writes decrypted records as this user's keys, each under a fresh data key, all in one transaction:
   * `replace` first removes the key of the same id with its versions and grants. Any failure changes nothing.
   */
  async importRecords(records: { add: KeyDump[]; replace: KeyDump[] }, details: Record<string, unknown>): Promise<void> {
    await this.#authorize('backup.restore');
    const userKey = this.#key();
    const userId = this.user.id;
    const now = this.#clock.now();
    const prepared = await guarded(() =>
      Promise.all(
        [...records.add, ...records.replace].map(async (d) => {
          const id = d.row.id;
          const dek = await generateDataKey();
          const grant: GrantRow = { keyId: id, principalId: userId, permission: 'owner', createdAt: now, wrappedDek: await wrapKey(userKey, dek, aad.dek(id, userId)) };
          const row: KeyRow = { ...d.row, sealedMeta: await sealMeta(dek, id, d.meta) };
          const versions: VersionRow[] = await Promise.all(
            d.versions.map(async ({ material, ...v }) => ({ ...v, keyId: id, sealedValue: material === null ? null : await seal(dek, material, aad.value(id, v.version)) })),
          );
          return { row, grant, versions };
        }),
      ),
    );
    const replaceIds = records.replace.map((d) => d.row.id);
    await this.#write([S.keys, S.versions, S.grants], [{ action: 'backup.restore', details }], async (tx) => {
      const versions = tx.objectStore(S.versions);
      const grants = tx.objectStore(S.grants);
      const keys = tx.objectStore(S.keys);
      for (const id of replaceIds) {
        const [vk, gk] = await Promise.all([versions.index('byKey').getAllKeys(id), grants.index('byKey').getAllKeys(id)]);
        await allRequests([() => keys.delete(id), ...vk.map((k) => () => versions.delete(k)), ...gk.map((k) => () => grants.delete(k))]);
      }
      await allRequests(prepared.flatMap((p) => [() => keys.add(p.row), () => grants.add(p.grant), ...p.versions.map((v) => () => versions.add(v))]));
    }, { grants: true });
    // Re-read from storage at next use: ids, data keys and metadata all changed.
    this.#held = null;
    for (const id of [...replaceIds, ...records.add.map((d) => d.row.id)]) this.#deks.delete(id as KeyId);
  }

  /** The audit export signing key's fingerprint, shown in the app and printed by the verifier. */
  async auditFingerprint(): Promise<string> {
    await this.#authorize('audit.read');
    const meta = await guarded(() => this.#db.get(S.meta, 'vault'));
    if (!meta) throw new VaultError('NoVault', 'the vault is gone from storage');
    return fingerprintOf(meta.audit.publicKey);
  }

  /**
   * A report over the whole log: totals and counts from the plaintext fields of every matching entry,
   * and one page of entries with their details decrypted.
   */
  async auditReport(filter: AuditFilter = {}, page: { offset?: number; limit?: number } = {}): Promise<AuditReport & { page: AuditEntryView[] }> {
    await this.#authorize('audit.read');
    const report = buildReport(await this.#reportRows(), filter);
    const offset = Math.max(0, page.offset ?? 0);
    const limit = Math.min(500, Math.max(1, page.limit ?? 50));
    // Only the page's entries are read in full (their details are decrypted for display).
    const seqs = report.matches.slice(offset, offset + limit).map((m) => m.seq);
    const rows = await guarded(() =>
      withTx(this.#db, [S.audit], 'readonly', async (tx) => {
        const store = tx.objectStore(S.audit);
        return Promise.all(seqs.map((seq) => store.get(seq)));
      }),
    );
    const views = await this.#views(rows.filter((r): r is AuditRow => r !== undefined));
    return { ...report, page: views };
  }

  /**
   * Every entry's plaintext fields, newest included. The index is built by the chain check at unlock
   * (or here, once, from one getAll); later calls read only the entries appended since (by this tab or
   * another), so a report over 100,000 entries does not read 100,000 rows again (issue #7: ≤ 250 ms).
   * A trim (a checkpoint beyond the index's start) rebuilds it.
   */
  async #reportRows(): Promise<readonly ReportRow[]> {
    const index = this.#reportIndex;
    const { meta, newer } = await guarded(() =>
      withTx(this.#db, [S.audit, S.meta], 'readonly', async (tx) => {
        const meta = await tx.objectStore(S.meta).get('vault');
        const from = meta?.audit.checkpoint?.seq ?? 0;
        const usable = index !== null && index.startAfter === from && index.lastSeq <= (meta?.audit.head.seq ?? 0);
        const newer = await tx.objectStore(S.audit).getAll(usable ? IDBKeyRange.lowerBound(index.lastSeq, true) : undefined);
        return { meta, newer: { usable, rows: newer } };
      }),
    );
    if (this.#userKey === null) throw new VaultError('Locked', 'the vault is locked');
    if (newer.usable && index !== null) {
      index.append(newer.rows);
      return index.rows;
    }
    const rebuilt = ReportIndex.from(newer.rows, meta?.audit.checkpoint?.seq ?? 0);
    this.#reportIndex = rebuilt;
    return rebuilt.rows;
  }

  /** Matching entries as CSV or as signed JSON (verifiable offline with `npm run verify-audit`). */
  async exportAudit(filter: AuditFilter, format: 'csv' | 'json'): Promise<{ filename: string; mime: string; text: string; count: number }> {
    await this.#authorize('audit.read');
    const out = await this.#exportRows((r) => matches(r, filter), filterForExport(filter), format);
    await this.record({ action: 'audit.export', details: { format, count: out.count } });
    return out;
  }

  async #exportRows(
    pick: (row: AuditRow) => boolean,
    filter: Record<string, unknown>,
    format: 'csv' | 'json',
  ): Promise<{ filename: string; mime: string; text: string; count: number; head: string | null }> {
    const log = this.#log();
    const { rows, meta } = await guarded(() =>
      withTx(this.#db, [S.audit, S.meta], 'readonly', async (tx) => ({ rows: await tx.objectStore(S.audit).getAll(), meta: await tx.objectStore(S.meta).get('vault') })),
    );
    if (!meta) throw new VaultError('NoVault', 'the vault is gone from storage');
    const views = (await this.#views(rows.filter(pick))).map(({ seq, at, actor, actorName, action, keyId, keyName, version, outcome, details }) => ({
      seq,
      at: new Date(at).toISOString(),
      actor,
      actorName,
      action,
      keyId,
      keyName,
      version,
      outcome,
      details,
    }));
    const now = this.#clock.now();
    const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    if (format === 'csv') return { filename: `keyward-audit-${stamp}.csv`, mime: 'text/csv', text: toCsv(views), count: views.length, head: null };
    const signingKey = await guarded(() => openSigningKey(meta.vaultId, meta.audit, log.auditKey));
    const signed = await buildExport({ vaultId: meta.vaultId, exportedAt: now, filter, publicKey: meta.audit.publicKey, signingKey, entries: views });
    return { filename: `keyward-audit-${stamp}.json`, mime: 'application/json', text: JSON.stringify(signed, null, 2), count: views.length, head: signed.head };
  }

  async #views(rows: readonly AuditRow[]): Promise<AuditEntryView[]> {
    const log = this.#log();
    const held = await this.#load();
    const users = new Map((await guarded(() => this.#db.getAll(S.users))).map((u) => [u.id, u.name]));
    return Promise.all(
      rows.map(async (r) => ({
        seq: r.seq,
        at: r.at,
        actor: r.actor,
        actorName: users.get(r.actor) ?? null,
        action: r.action,
        keyId: r.keyId,
        keyName: r.keyId ? (held.get(r.keyId as KeyId)?.meta.name ?? null) : null,
        version: r.version,
        outcome: r.outcome,
        details: await log.openDetails(r).catch(() => ({ unreadable: true })),
      })),
    );
  }

  #log(): AuditLog {
    this.#key();
    return this.#audit!;
  }

  /**
   * One at a time within this tab, and across tabs under the database's write lock (Web Locks), held from
   * preparing the audit entries to the commit; the chain head check still covers browsers without it.
   */
  #serial<T>(fn: (lock: WriteLock) => Promise<T>): Promise<T> {
    const locked = () => withWriteLock(this.#db.name, fn);
    const run = this.#queue.then(locked, locked);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes a change and its audit entries in one readwrite transaction (ARCHITECTURE.md §3). Entries
   * are prepared (sealed, chained) first; inside the transaction the stored head is checked. When
   * another tab appended meanwhile, its entries are verified and the write is prepared again once.
   */
  async #write<T>(stores: StoreName[], events: readonly AuditEvent[], fn: (tx: Tx<StoreName[], 'readwrite'>) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    return this.#serial(async (lock) => {
      const log = this.#log();
      for (let attempt = 0; ; attempt++) {
        const prepared = await guarded(() => log.prepare(events));
        try {
          const result = await withTx(
            this.#db,
            [...new Set<StoreName>([...stores, S.meta, S.audit, ...(options.grants ? [S.users] : [])])],
            'readwrite',
            async (tx) => {
              if (options.grants) await this.#userKeyStands(tx);
              await log.write(tx, prepared);
              return fn(tx);
            },
            { lock },
          );
          log.commit(prepared);
          return result;
        } catch (error) {
          if (error instanceof HeadMoved && attempt === 0) {
            await guarded(() => log.catchUp(this.#db));
            continue;
          }
          if (error instanceof UserKeyChanged) {
            // Nothing was written. This session's user key is stale (or its user gone): it locks, as a "rekeyed"
            // message from the other tab would lock it (not awaited: the lock entry queues behind this write).
            void this.lock(error.removed ? 'manual' : 'rekeyed');
            throw new VaultError('Locked', error.message);
          }
          throw asVaultError(error);
        }
      }
    });
  }

  /**
   * Inside a write that stores grants or this user's key pair: the stored user row must still hold the
   * wrapping this session's user key was opened from. If another tab rotated the user key (or changed the
   * password, or restored a backup) meanwhile, a grant wrapped under the key held here would open for
   * nobody afterwards: the write is refused instead (#write then locks the session).
   */
  async #userKeyStands(tx: Tx<StoreName[], 'readwrite'>): Promise<void> {
    const stored = await tx.objectStore(S.users).get(this.user.id);
    if (!stored) throw new UserKeyChanged(true);
    if (!bytesEqual(stored.wrappedUserKey, this.#wrappedUserKey)) throw new UserKeyChanged(false);
  }

  /** Records an event that changes nothing else (a reveal, a copy, an export, a denial). */
  async record(event: AuditEvent): Promise<void> {
    await this.#write([], [event], async () => undefined);
  }

  /**
   * Records several events as consecutive, chained entries in one transaction (all or none). Used to
   * seed large logs (the benchmark's 100,000 entries); at most 10,000 per call.
   */
  async recordMany(events: readonly AuditEvent[]): Promise<void> {
    if (events.length > 10_000) throw new RangeError(`"events" must hold at most 10,000 events, got ${events.length}`);
    await this.#write([], events, async () => undefined);
  }

  get locked(): boolean {
    return this.#userKey === null;
  }

  /**
   * Another tab changed stored keys: forgets the decrypted records and data keys, so the next read loads
   * them again from storage. The user key and the audit log stay (the log catches up by itself).
   * Throws VaultError('Locked') on a locked session.
   */
  forgetCached(): void {
    this.#key(); // locked: nothing is cached, and like every method it refuses (lock-hygiene.test.ts)
    this.#forget();
    this.#loading = null;
    this.#generation++;
  }

  get kdfIterations(): number {
    return this.#kdfIterations;
  }

  /**
   * Drops every key and decrypted value from memory at once. Idempotent. The returned promise settles
   * when the lock entry is in the log (written with keys captured before they were dropped).
   */
  lock(reason: LockCause = 'manual'): Promise<void> {
    if (this.#userKey === null) return Promise.resolve();
    const log = this.#audit;
    const entry = log ? this.#recordLock(log, reason) : Promise.resolve();
    this.#userKey = null;
    this.#audit = null;
    this.#deks.clear();
    this.#metaKeys.clear();
    this.#principals.clear();
    this.#held = null;
    this.#reportIndex = null;
    // logCheck() after lock must refuse like everything else, not hand back the last result.
    this.#logCheck = null;
    for (const fn of this.#onLock) fn(reason);
    this.#onLock.clear();
    return entry;
  }

  async #recordLock(log: AuditLog, reason: LockCause): Promise<void> {
    const action: AuditAction = reason === 'auto' ? 'lock.auto' : 'lock';
    const event: AuditEvent = reason === 'rekeyed' ? { action, details: { why: 'the user key was changed in another tab' } } : { action };
    await this.#serial(async (lock) => {
      for (let attempt = 0; ; attempt++) {
        const prepared = await log.prepare([event]);
        try {
          await withTx(this.#db, [S.meta, S.audit], 'readwrite', (tx) => log.write(tx, prepared), { lock });
          return;
        } catch (error) {
          // Another tab wrote since this one did (it always has, when it changed this user's key): catch up once.
          if (!(error instanceof HeadMoved) || attempt > 0) throw error;
          await log.catchUp(this.#db);
        }
      }
    }).catch(() => undefined); // a lock never fails because its entry could not be written
  }

  /** Called once when this session locks (by lock() from anywhere), with why. Returns an unsubscribe function. */
  onLock(fn: (reason: LockCause) => void): () => void {
    this.#onLock.add(fn);
    return () => this.#onLock.delete(fn);
  }

  #key(): UserKey {
    if (this.#userKey === null) throw new VaultError('Locked', 'the vault is locked');
    return this.#userKey;
  }

  // ── settings ──────────────────────────────────────────────────────────────

  settings(): Settings {
    this.#key();
    return { ...this.#settings };
  }

  /**
   * Reads the vault's settings again (another tab may have changed them): returns them, and uses them from now
   * on. Stored settings that fail their checks leave the ones in use unchanged.
   */
  async reloadSettings(): Promise<Settings> {
    this.#key();
    const meta = await guarded(() => this.#db.get(S.meta, 'vault'));
    try {
      if (meta) this.#settings = checkSettings(meta.settings);
    } catch {
      // Keep what this session has: a damaged row is reported where it is written, not here.
    }
    return { ...this.#settings };
  }

  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    await this.#authorize('settings.change');
    const next = checkSettings({ ...this.#settings, ...patch });
    await this.#write([S.meta], [{ action: 'settings.change', details: { ...next } }], async (tx) => {
      const meta = await tx.objectStore(S.meta).get('vault');
      if (!meta) throw new VaultError('NoVault', 'the vault is gone from storage');
      await tx.objectStore(S.meta).put({ ...meta, settings: next });
    });
    this.#settings = next;
    return { ...next };
  }

  // ── vault-level keys ─────────────────────────────────────────────────────

  /** Re-wraps only the user key under a KEK from the new password; no record is re-encrypted. */
  async changePassword(current: string, next: string): Promise<void> {
    this.#key();
    if (this.#mustChange && current === next) throw new VaultError('InvalidInput', 'choose a password other than the one you were given', { field: 'password' });
    const change = await preparePasswordChange(this.#db, this.user.id, current, next);
    await this.#applyUserKeyChange(change, 'password.change');
    this.#mustChange = false;
  }

  async #applyUserKeyChange(change: UserKeyChange, action: AuditAction): Promise<void> {
    // A password change keeps the user key held here: it must still be the stored one (another tab may have
    // rotated it). A rotation brings its own new key, so it may also heal a session that is behind.
    await this.#write([S.users, S.grants], [{ action, details: { iterations: change.kdf.iterations, rewrapped: change.grants.length } }], (tx) => applyUserKeyChange(tx, change), { grants: change.userKey === null });
    this.#kdfIterations = change.kdf.iterations;
    if (change.update.wrappedUserKey) this.#wrappedUserKey = change.update.wrappedUserKey;
    if (change.userKey && this.#userKey !== null) this.#userKey = change.userKey;
  }

  /**
   * Replaces the user key: every data key this user holds is re-wrapped under a new user key, and the
   * new user key under the KEK, all in one transaction. The password proves it is the person.
   */
  async rotateUserKey(password: string): Promise<number> {
    if (this.#mustChange) await this.#authorize('key.view', null);
    const change = await prepareUserKeyRotation(this.#db, this.user.id, password);
    await this.#applyUserKeyChange(change, 'userkey.rotate');
    return change.grants.length;
  }

  // ── users, groups and grants (issue #6) ──────────────────────────────────

  /** Everyone a key can be granted to, by name: users (with their role) and groups. */
  async principals(): Promise<PrincipalInfo[]> {
    await this.#authorize('key.view', null);
    const { users, groups } = await this.#directory();
    return [
      ...users.map((u): PrincipalInfo => ({ id: u.id, kind: 'user', name: u.name, role: u.role })),
      ...groups.map((g): PrincipalInfo => ({ id: g.id, kind: 'group', name: g.name })),
    ];
  }

  async listUsers(): Promise<UserInfo[]> {
    await this.#authorize('users.manage');
    const { users, members } = await this.#directory();
    return users.map((u) => ({
      id: u.id as UserId,
      name: u.name,
      role: u.role,
      createdAt: u.createdAt,
      mustChangePassword: u.mustChangePassword === true,
      groups: members.filter((m) => m.userId === u.id).map((m) => m.groupId),
    }));
  }

  async listGroups(): Promise<GroupInfo[]> {
    await this.#authorize('groups.manage');
    const { groups, members } = await this.#directory();
    return groups.map((g) => {
      const ids = members.filter((m) => m.groupId === g.id).map((m) => m.userId as UserId);
      return { id: g.id, name: g.name, createdAt: g.createdAt, members: ids, isMember: ids.includes(this.user.id) };
    });
  }

  async #directory(): Promise<{ users: UserRow[]; groups: (GroupRow & { name: string })[]; members: MemberRow[] }> {
    const log = this.#log();
    const { users, groups, members } = await guarded(() =>
      withTx(this.#db, [S.users, S.groups, S.members], 'readonly', async (tx) => {
        const [users, groups, members] = await Promise.all([tx.objectStore(S.users).getAll(), tx.objectStore(S.groups).getAll(), tx.objectStore(S.members).getAll()]);
        return { users, groups, members };
      }),
    );
    const named = await guarded(() => Promise.all(groups.map(async (g) => ({ ...g, name: utf8Decode(await open(log.auditKey, g.sealedName, aad.groupName(g.id))) }))));
    return { users, groups: named.sort((a, b) => a.name.localeCompare(b.name)), members };
  }

  /**
   * An admin adds a local user with a one-time password (they choose their own at first unlock). The
   * new user gets a user key, an ECDH key pair and the audit key; no key is granted to them yet.
   */
  async addUser(input: { name: string; password: string; role: Role }): Promise<UserInfo> {
    await this.#authorize('users.manage');
    const userKey = this.#key();
    const name = checkUserName(input.name);
    const password = checkNewPassword(input.password);
    if (!ASSIGNABLE_ROLES.includes(input.role)) throw new VaultError('InvalidInput', 'the role must be admin, member or auditor', { field: 'role' });
    if ((await this.#directory()).users.some((u) => u.name.toLowerCase() === name.toLowerCase())) throw new VaultError('InvalidInput', 'a user of that name exists already', { field: 'userName' });
    const id = randomId() as UserId;
    const now = this.#clock.now();
    const row = await guarded(async () => {
      const me = await readUser(this.#db, this.user.id);
      // The admin's own count: calibrated for this device (and raised to the floor at unlock).
      const kdf = newKdfParams(this.#kdfIterations);
      const theirs = await generateUserKey();
      const wrappedUserKey = await wrapKey(await deriveKek(password, kdf), theirs, aad.userKey(id));
      const auditKey = await unwrapDataKey(userKey, me.wrappedAuditKey, aad.auditKey(me.id), { extractable: true });
      const pair = await newUserKeyPair(id, theirs);
      const row: UserRow = {
        id,
        name,
        role: input.role,
        createdAt: now,
        kdf,
        wrappedUserKey,
        wrappedAuditKey: await wrapKey(theirs, auditKey, aad.auditKey(id)),
        publicKey: pair.publicKey,
        sealedPrivateKey: pair.sealedPrivateKey,
        mustChangePassword: true,
      };
      return row;
    });
    await this.#write([S.users], [{ action: 'user.add', details: { userId: id, name, role: input.role } }], async (tx) => {
      await tx.objectStore(S.users).add(row);
    });
    return { id, name, role: input.role, createdAt: now, mustChangePassword: true, groups: [] };
  }

  /** Admins (the owner counts) left if `userId` had `role` instead. */
  async #adminsIf(userId: string, role: Role | null): Promise<number> {
    const users = await guarded(() => this.#db.getAll(S.users));
    return users.filter((u) => (u.id === userId ? role !== null && isAdmin(role) : isAdmin(u.role))).length;
  }

  async setUserRole(userId: UserId, role: Role): Promise<void> {
    await this.#authorize('users.manage');
    const user = await readUser(this.#db, userId);
    if (user.role === 'owner') throw new VaultError('InvalidInput', "the owner's role does not change", { field: 'role' });
    if (!ASSIGNABLE_ROLES.includes(role)) throw new VaultError('InvalidInput', 'the role must be admin, member or auditor', { field: 'role' });
    if ((await this.#adminsIf(userId, role)) === 0) throw new VaultError('InvalidInput', 'the vault must keep at least one admin', { field: 'role' });
    if (role === 'auditor') {
      const grants = await guarded(() => this.#db.getAllFromIndex(S.grants, 'byPrincipal', userId));
      if (grants.some((g) => g.permission !== 'view')) throw new VaultError('InvalidInput', 'an auditor sees no key material: revoke their grants above "view" first', { field: 'role' });
      const memberships = await guarded(() => this.#db.getAllFromIndex(S.members, 'byUser', userId));
      for (const m of memberships) {
        if (await this.#groupHoldsData(m.groupId)) throw new VaultError('InvalidInput', 'an auditor sees no key material: remove them from groups holding keys above "view" first', { field: 'role' });
      }
    }
    await this.#write([S.users], [{ action: 'user.role', details: { userId, from: user.role, to: role } }], async (tx) => {
      const stored = await tx.objectStore(S.users).get(userId);
      if (!stored) throw new VaultError('NotFound', 'no such user');
      await tx.objectStore(S.users).put({ ...stored, role });
    });
  }

  /**
   * Removes a user: their row (so their password opens nothing), their grants and memberships. Refused
   * for yourself, for the last admin, and while they are the only one holding some key (it would be lost).
   * Groups they were in and that the caller belongs to get a new key pair.
   */
  async removeUser(userId: UserId): Promise<{ groupsRekeyed: number; groupsNotRekeyed: number }> {
    await this.#authorize('users.manage');
    if (userId === this.user.id) throw new VaultError('InvalidInput', 'you cannot remove yourself; ask another admin', { field: 'user' });
    const user = await readUser(this.#db, userId);
    if (user.role === 'owner') throw new VaultError('InvalidInput', 'the owner cannot be removed', { field: 'user' });
    if ((await this.#adminsIf(userId, null)) === 0) throw new VaultError('InvalidInput', 'the vault must keep at least one admin', { field: 'user' });
    const { grants, all, memberships } = await guarded(() =>
      withTx(this.#db, [S.grants, S.members], 'readonly', async (tx) => ({
        grants: await tx.objectStore(S.grants).index('byPrincipal').getAll(userId),
        all: await tx.objectStore(S.grants).getAll(),
        memberships: await tx.objectStore(S.members).index('byUser').getAll(userId),
      })),
    );
    const orphaned = grants.filter((g) => !all.some((o) => o.keyId === g.keyId && o.principalId !== userId && o.wrappedDek !== null && atLeast(o.permission, 'manage')));
    if (orphaned.length > 0) throw new VaultError('InvalidInput', `this user is the only manager of ${orphaned.length} key(s): have them grant "manage" to someone first`, { field: 'user' });
    const rekeys: GroupRekey[] = [];
    for (const m of memberships) if (this.#principals.has(m.groupId)) rekeys.push(await this.#prepareGroupRekey(m.groupId, [userId]));
    const notRekeyed = memberships.length - rekeys.length;
    await this.#write([S.users, S.grants, S.members, S.groups], [{ action: 'user.remove', details: { userId, name: user.name, grants: grants.length, groupsRekeyed: rekeys.length, groupsNotRekeyed: notRekeyed } }], async (tx) => {
      const g = tx.objectStore(S.grants);
      const mem = tx.objectStore(S.members);
      await allRequests([() => tx.objectStore(S.users).delete(userId), ...grants.map((x) => () => g.delete([x.keyId, x.principalId])), ...memberships.map((m) => () => mem.delete([m.groupId, m.userId]))]);
      for (const r of rekeys) await applyGroupRekey(tx, r);
    }, { grants: true });
    if (rekeys.length > 0) this.#forget();
    return { groupsRekeyed: rekeys.length, groupsNotRekeyed: notRekeyed };
  }

  /** A new group; its creator is its first member (only members hold the group's private key). */
  async createGroup(name: string, memberIds: readonly UserId[] = []): Promise<GroupInfo> {
    await this.#authorize('groups.manage');
    const clean = checkGroupName(name);
    const { users, groups } = await this.#directory();
    if (groups.some((g) => g.name.toLowerCase() === clean.toLowerCase())) throw new VaultError('InvalidInput', 'a group of that name exists already', { field: 'groupName' });
    const ids = [...new Set([this.user.id, ...memberIds])];
    const rows = ids.map((id) => users.find((u) => u.id === id));
    if (rows.some((u) => !u?.publicKey)) throw new VaultError('InvalidInput', 'every member must be a user who has signed in since the upgrade', { field: 'members' });
    const id = randomId();
    const now = this.#clock.now();
    const { group, members } = await guarded(async () => {
      const pair = await generateEcdhKeyPair();
      const group: GroupRow = { id, createdAt: now, publicKey: pair.publicKey, sealedName: await seal(this.#log().auditKey, utf8Encode(clean), aad.groupName(id)) };
      const members = await Promise.all(rows.map((u) => sealForMember(id, u!.id, u!.publicKey!, pair.privateKey, now)));
      return { group, members };
    });
    await this.#write([S.groups, S.members], [{ action: 'group.create', details: { groupId: id, name: clean, members: ids } }], async (tx) => {
      const mem = tx.objectStore(S.members);
      await allRequests([() => tx.objectStore(S.groups).add(group), ...members.map((m) => () => mem.add(m))]);
    });
    this.#forget();
    return { id, name: clean, createdAt: now, members: ids as UserId[], isMember: true };
  }

  async addMember(groupId: string, userId: UserId): Promise<void> {
    await this.#authorize('groups.manage');
    const self = await this.#memberOf(groupId);
    const user = await readUser(this.#db, userId);
    if (!user.publicKey) throw new VaultError('InvalidInput', 'this user has not signed in since the upgrade', { field: 'members' });
    if (user.role === 'auditor' && (await this.#groupHoldsData(groupId))) throw new VaultError('InvalidInput', 'this group holds keys above "view"; an auditor cannot join it', { field: 'members' });
    const now = this.#clock.now();
    const row = await guarded(async () => sealForMember(groupId, userId, user.publicKey!, await openAsMember(self.member, self.me, true), now));
    await this.#write([S.members], [{ action: 'group.member.add', details: { groupId, userId } }], async (tx) => {
      if (await tx.objectStore(S.members).get([groupId, userId])) throw new VaultError('InvalidInput', 'already a member', { field: 'members' });
      await tx.objectStore(S.members).add(row);
    });
  }

  /** Removes a member: the group gets a new key pair, its grants are wrapped again for it, and sealed for those who stay. */
  async removeMember(groupId: string, userId: UserId): Promise<void> {
    await this.#authorize('groups.manage');
    await this.#memberOf(groupId);
    const rekey = await this.#prepareGroupRekey(groupId, [userId]);
    if (!rekey.removed.includes(userId)) throw new VaultError('InvalidInput', 'not a member of this group', { field: 'members' });
    if (rekey.members.length === 0) throw new VaultError('InvalidInput', 'a group keeps at least one member; delete the group instead', { field: 'members' });
    await this.#write([S.groups, S.members, S.grants], [{ action: 'group.member.remove', details: { groupId, userId, grantsRewrapped: rekey.grants.length } }], (tx) => applyGroupRekey(tx, rekey), { grants: true });
    this.#forget();
  }

  /** Deletes a group that holds no grants (revoke them first, so no key is lost with it). */
  async deleteGroup(groupId: string): Promise<void> {
    await this.#authorize('groups.manage');
    const grants = await guarded(() => this.#db.countFromIndex(S.grants, 'byPrincipal', groupId));
    if (grants > 0) throw new VaultError('InvalidInput', `this group holds ${grants} grant(s): revoke them first`, { field: 'group' });
    await this.#write([S.groups, S.members], [{ action: 'group.delete', details: { groupId } }], async (tx) => {
      const mem = tx.objectStore(S.members);
      const keys = await mem.getAllKeys(membersOf(groupId));
      await allRequests([() => tx.objectStore(S.groups).delete(groupId), ...keys.map((k) => () => mem.delete(k))]);
    });
    this.#forget();
  }

  async #memberOf(groupId: string): Promise<{ member: MemberRow; me: OpenPrincipal }> {
    await this.#load();
    const member = await guarded(() => this.#db.get(S.members, [groupId, this.user.id]));
    const me = this.#principals.get(this.user.id);
    if (!(await guarded(() => this.#db.get(S.groups, groupId)))) throw new VaultError('NotFound', 'no such group');
    if (!member || !me) throw new VaultError('AccessDenied', 'only a member of this group holds its key: ask one of its members');
    return { member, me };
  }

  /** A new key pair for a group, its grants wrapped again for it, sealed for every member but `removed`. */
  async #prepareGroupRekey(groupId: string, removed: readonly string[]): Promise<GroupRekey> {
    const userKey = this.#key();
    const old = this.#principals.get(groupId);
    if (!old) throw new VaultError('AccessDenied', 'only a member of this group holds its key: ask one of its members');
    const { group, members, grants, users } = await guarded(() =>
      withTx(this.#db, [S.groups, S.members, S.grants, S.users], 'readonly', async (tx) => ({
        group: await tx.objectStore(S.groups).get(groupId),
        members: await tx.objectStore(S.members).getAll(membersOf(groupId)),
        grants: await tx.objectStore(S.grants).index('byPrincipal').getAll(groupId),
        users: await tx.objectStore(S.users).getAll(),
      })),
    );
    if (!group) throw new VaultError('NotFound', 'no such group');
    const now = this.#clock.now();
    return guarded(async () => {
      const pair = await generateEcdhKeyPair();
      const staying = members.filter((m) => !removed.includes(m.userId));
      const sealed = await Promise.all(
        staying.map((m) => {
          const u = users.find((x) => x.id === m.userId);
          if (!u?.publicKey) throw new VaultError('Corrupt', 'a member has no public key');
          return sealForMember(groupId, m.userId, u.publicKey, pair.privateKey, m.addedAt);
        }),
      );
      const rewrapped = await Promise.all(
        grants.map(async (g) => {
          const keys = await openGrant(g, userKey, old, true);
          return wrapGrant(grantBase(g), keys, { publicKey: pair.publicKey });
        }),
      );
      return { group: { ...group, publicKey: pair.publicKey }, members: sealed, removed: members.filter((m) => removed.includes(m.userId)).map((m) => m.userId), grants: rewrapped, at: now };
    });
  }

  /** Drops what was opened through groups and grants, so the next read opens them afresh. */
  #forget(): void {
    this.#held = null;
    this.#deks.clear();
    this.#metaKeys.clear();
  }

  /** Who holds the key and at what level (for the Access panel). */
  async listAccess(id: KeyId): Promise<AccessEntry[]> {
    const held = await this.#authorize('key.manage', id);
    const [grants, dir] = await Promise.all([guarded(() => this.#db.getAllFromIndex(S.grants, 'byKey', id)), this.#directory()]);
    return grants.map((g) => {
      const user = dir.users.find((u) => u.id === g.principalId);
      const group = dir.groups.find((x) => x.id === g.principalId);
      return {
        principalId: g.principalId,
        kind: user ? 'user' : 'group',
        name: user?.name ?? group?.name ?? '(removed)',
        permission: g.permission,
        createdAt: g.createdAt,
        grantedBy: g.grantedBy ?? null,
        yourAccess: g.principalId === held.grant.principalId,
      };
    });
  }

  /**
   * Grants a key to a user or a group at a level: the data key (or, for "view", only the meta key) is
   * wrapped for the grantee's public key — no password of theirs is needed. Replaces an earlier grant.
   */
  async grantAccess(id: KeyId, principalId: string, permission: Permission): Promise<void> {
    const held = await this.#authorize('key.manage', id);
    const userKey = this.#key();
    if (!GRANTABLE.includes(permission)) throw new VaultError('InvalidInput', 'grant view, use, rotate or manage', { field: 'permission' });
    if (principalId === this.user.id) throw new VaultError('InvalidInput', 'you cannot change your own grant', { field: 'principal' });
    const target = await this.#principalKey(principalId);
    if (target.role && !atLeast(maxPermission(target.role), permission)) throw new VaultError('InvalidInput', 'an auditor can be granted "view" only', { field: 'permission' });
    if (target.kind === 'group' && permission !== 'view' && (await this.#hasAuditor(principalId))) {
      throw new VaultError('InvalidInput', 'an auditor is in this group: it can be granted "view" only', { field: 'permission' });
    }
    const existing = await guarded(() => this.#db.get(S.grants, [id, principalId]));
    if (existing?.wrappedDek && permission === 'view') {
      // Lowering to "view" takes the data key away: like a revoke, the key is re-keyed (and rotated) first.
      await this.revokeAccess(id, principalId);
      return this.grantAccess(id, principalId, 'view');
    }
    const now = this.#clock.now();
    const mine = await guarded(() => openGrant(held.grant, userKey, this.#principals.get(held.grant.principalId), true));
    if (!mine.dek) throw new VaultError('AccessDenied', 'a "view" grant holds no data key');
    const dek = mine.dek;
    const prepared = await guarded(async () => {
      let split: { row: KeyRow; metaKey: DataKey } | null = null;
      let metaKey: DataKey | null = null;
      if (permission === 'view') {
        if (held.row.wrappedMetaKey) metaKey = await openMetaKey(id, dek, held.row.wrappedMetaKey, true);
        else {
          // First "view" grant on this key: its metadata moves under a meta key of its own, so the grantee never holds the DEK.
          const made = await newMetaKey(id, dek);
          metaKey = made.metaKey;
          split = { row: { ...held.row, wrappedMetaKey: made.wrappedMetaKey, sealedMeta: await sealMeta(made.metaKey, id, held.meta) }, metaKey: await openMetaKey(id, dek, made.wrappedMetaKey) };
        }
      }
      const grant = await wrapGrant({ keyId: id, principalId, permission, createdAt: now, grantedBy: this.user.id }, { dek: permission === 'view' ? null : dek, metaKey }, { publicKey: target.publicKey });
      return { grant, split };
    });
    await this.#write([S.keys, S.grants], [{ action: 'key.grant', keyId: id, version: held.row.currentVersion, details: { principal: principalId, kind: target.kind, permission } }], async (tx) => {
      if (prepared.split) {
        await this.#keyUnchanged(tx, held);
        await tx.objectStore(S.keys).put(prepared.split.row);
      }
      await tx.objectStore(S.grants).put(prepared.grant);
    }, { grants: true });
    if (prepared.split) {
      this.#metaKeys.set(id, prepared.split.metaKey);
      this.#held?.set(id, { ...held, row: prepared.split.row });
    }
  }

  /** Whether an auditor belongs to the group (an auditor must never hold a data key, even through a group). */
  async #hasAuditor(groupId: string): Promise<boolean> {
    const [members, users] = await guarded(() => Promise.all([this.#db.getAll(S.members, membersOf(groupId)), this.#db.getAll(S.users)]));
    return members.some((m) => users.find((u) => u.id === m.userId)?.role === 'auditor');
  }

  /** Whether the group holds a grant above "view" (then no auditor may join it). */
  async #groupHoldsData(groupId: string): Promise<boolean> {
    const grants = await guarded(() => this.#db.getAllFromIndex(S.grants, 'byPrincipal', groupId));
    return grants.some((g) => g.wrappedDek !== null);
  }

  async #principalKey(principalId: string): Promise<{ kind: 'user' | 'group'; publicKey: JsonWebKey; role?: Role }> {
    const [user, group] = await guarded(() => Promise.all([this.#db.get(S.users, principalId), this.#db.get(S.groups, principalId)]));
    if (user) {
      if (!user.publicKey) throw new VaultError('InvalidInput', 'this user has not signed in since the upgrade; ask them to unlock once', { field: 'principal' });
      return { kind: 'user', publicKey: user.publicKey, role: user.role };
    }
    if (group) return { kind: 'group', publicKey: group.publicKey };
    throw new VaultError('NotFound', 'no such user or group');
  }

  /**
   * Revokes a grant. By default the key is also re-keyed — a new data key, every version sealed again,
   * wrapped again for those who keep access — and, where it can make its own material, rotated: the
   * person may have seen the value. Returns whether it was rotated (an imported key needs a new value).
   */
  async revokeAccess(id: KeyId, principalId: string, options: { rotate?: boolean } = {}): Promise<{ rekeyed: boolean; rotated: boolean }> {
    const held = await this.#authorize('key.manage', id);
    const userKey = this.#key();
    if (principalId === this.user.id) throw new VaultError('InvalidInput', 'you cannot revoke your own grant', { field: 'principal' });
    if (principalId === held.grant.principalId) throw new VaultError('InvalidInput', 'you hold this key through this group; ask another manager to revoke it', { field: 'principal' });
    const grants = await guarded(() => this.#db.getAllFromIndex(S.grants, 'byKey', id));
    const gone = grants.find((g) => g.principalId === principalId);
    if (!gone) throw new VaultError('NotFound', 'no such grant');
    const staying = grants.filter((g) => g !== gone);
    if (!staying.some((g) => g.wrappedDek !== null && atLeast(g.permission, 'manage'))) throw new VaultError('InvalidInput', 'someone must keep "manage" on this key', { field: 'principal' });
    const rekey = options.rotate !== false;
    const now = this.#clock.now();
    const prepared = rekey ? await this.#prepareRekey(id, held, staying, userKey) : null;
    await this.#write([S.keys, S.versions, S.grants], [{ action: 'key.revoke', keyId: id, version: held.row.currentVersion, details: { principal: principalId, permission: gone.permission, rekeyed: rekey } }], async (tx) => {
      await this.#keyUnchanged(tx, held);
      const g = tx.objectStore(S.grants);
      const v = tx.objectStore(S.versions);
      await allRequests([
        () => g.delete([id, principalId]),
        ...(prepared ? [() => tx.objectStore(S.keys).put(prepared.row), ...prepared.grants.map((x) => () => g.put(x)), ...prepared.versions.map((x) => () => v.put(x))] : []),
      ]);
    }, { grants: true });
    if (!prepared) return { rekeyed: false, rotated: false };
    const mine = prepared.grants.find((x) => x.principalId === held.grant.principalId)!;
    const opened = await guarded(() => openGrant(mine, userKey, this.#principals.get(mine.principalId)));
    this.#deks.set(id, opened.dek!);
    if (prepared.row.wrappedMetaKey) this.#metaKeys.set(id, await guarded(() => openMetaKey(id, opened.dek!, prepared.row.wrappedMetaKey!)));
    const next: Held = { ...held, row: prepared.row, grant: mine };
    this.#held?.set(id, next);
    const current = this.#summary(next);
    if (current.canAutoRotate && stateAllows(next.row.state, 'rotate', next.row.destroyAt !== null)) {
      await this.#rotateAs(id, undefined, this.user.id);
      return { rekeyed: true, rotated: true };
    }
    return { rekeyed: true, rotated: false };
  }

  /** A new DEK (and meta key) for a key: every version and the metadata sealed again, every grant wrapped again. */
  async #prepareRekey(id: KeyId, held: Held, grants: readonly GrantRow[], userKey: UserKey): Promise<{ row: KeyRow; versions: VersionRow[]; grants: GrantRow[] }> {
    const oldDek = await this.#dek(id);
    const versions = await guarded(() => this.#db.getAllFromIndex(S.versions, 'byKey', id));
    const users = new Map((await guarded(() => this.#db.getAll(S.users))).map((u) => [u.id, u]));
    const groups = new Map((await guarded(() => this.#db.getAll(S.groups))).map((g) => [g.id, g]));
    return guarded(async () => {
      const dek = await generateDataKey();
      const split = held.row.wrappedMetaKey ? await newMetaKey(id, dek) : null;
      const metaKey = split?.metaKey ?? dek;
      const row: KeyRow = { ...held.row, sealedMeta: await sealMeta(metaKey, id, held.meta), ...(split ? { wrappedMetaKey: split.wrappedMetaKey } : {}) };
      const resealed = await Promise.all(
        versions.map(async (v) => (v.sealedValue === null ? v : { ...v, sealedValue: await seal(dek, await open(oldDek, v.sealedValue, aad.value(id, v.version)), aad.value(id, v.version)) })),
      );
      const rewrapped = await Promise.all(
        grants.map(async (g) => {
          const base = grantBase(g);
          const keys = { dek: g.wrappedDek ? dek : null, metaKey: g.wrappedDek ? null : metaKey };
          if (g.principalId === this.user.id && !g.epk) return wrapGrant(base, keys, { userKey });
          const publicKey = users.get(g.principalId)?.publicKey ?? groups.get(g.principalId)?.publicKey;
          if (!publicKey) throw new VaultError('Corrupt', 'a grantee has no public key');
          return wrapGrant(base, keys, { publicKey });
        }),
      );
      return { row, versions: resealed, grants: rewrapped };
    });
  }

  // ── reading ──────────────────────────────────────────────────────────────

  async listKeys(): Promise<KeySummary[]> {
    await this.#authorize('key.view', null);
    const held = await this.#load();
    return [...held.values()].map((h) => this.#summary(h));
  }

  async getKey(id: KeyId): Promise<KeySummary> {
    return this.#summary(await this.#authorize('key.view', id));
  }

  async listVersions(id: KeyId): Promise<KeyVersionInfo[]> {
    const held = await this.#authorize('key.view', id);
    const rows = await guarded(() => this.#db.getAllFromIndex(S.versions, 'byKey', id));
    return rows
      .sort((a, b) => b.version - a.version)
      .map((v) => ({
        version: v.version,
        createdAt: v.createdAt,
        origin: v.origin,
        compromised: v.compromisedAt !== null,
        status: v.sealedValue === null ? 'destroyed' : v.version === held.row.currentVersion ? 'current' : v.version < held.row.minVersion ? 'retired' : 'usable',
      }));
  }

  /**
   * A secret's value (current version, or an older usable one). Shown only on a person's explicit
   * request; `purpose` says whether it is shown or copied, for the log.
   */
  async revealValue(id: KeyId, version?: number, purpose: 'reveal' | 'copy' = 'reveal'): Promise<string> {
    const held = await this.#authorize('key.use', id);
    if (held.meta.kind !== 'secret') throw new VaultError('InvalidInput', 'a typed key is exported, not revealed', { field: 'kind' });
    const material = await this.#material(id, held, 'reveal', version, purpose === 'copy' ? 'key.copy' : 'key.reveal');
    return utf8Decode(material);
  }

  /** A typed key as JWK or PEM. Private and secret parts only on a person's explicit request. */
  async exportKey(id: KeyId, options: { part: ExportPart; format: ExportFormat; version?: number; purpose?: 'export' | 'copy' }): Promise<string> {
    const held = await this.#authorize('key.use', id);
    const algorithm = held.meta.algorithm;
    if (!algorithm) throw new VaultError('InvalidInput', 'a secret is revealed, not exported', { field: 'kind' });
    const use: KeyUse = options.part === 'public' ? 'export-public' : 'reveal';
    const action: AuditAction = options.purpose === 'copy' ? 'key.copy' : 'key.export';
    const material = parseMaterial(utf8Decode(await this.#material(id, held, use, options.version, action, { part: options.part, format: options.format })));
    const symmetric = isSymmetric(algorithm);
    const jwk = options.part === 'public' ? material.publicKey : options.part === 'secret' ? material.secret : material.privateKey;
    if (!jwk || (options.part === 'secret') !== symmetric) throw new VaultError('InvalidInput', `this key has no ${options.part} part`, { field: 'part' });
    if (options.format === 'jwk') return JSON.stringify(jwk, null, 2);
    if (symmetric) throw new VaultError('InvalidInput', 'symmetric keys are exported as JWK only', { field: 'format' });
    return guarded(() => (options.part === 'public' ? exportPublicPem(material, algorithm) : exportPrivatePem(material, algorithm)));
  }

  // ── creating ─────────────────────────────────────────────────────────────

  /** A key of kind "secret": a pasted or generated value. */
  async createKey(input: KeyInput): Promise<KeySummary> {
    await this.#authorize('key.create');
    const clean = checkKeyInput(input);
    const recipe = clean.recipe;
    return this.#create(
      { kind: 'secret', name: clean.name, format: clean.format, tags: clean.tags, notes: clean.notes, algorithm: null, recipe, hasPrivate: true, compromiseReason: null, history: [] },
      utf8Encode(clean.value),
      recipe ? 'generated' : 'imported',
      input,
    );
  }

  /** A new typed key made by WebCrypto (AES, HMAC, ECDSA P-256, Ed25519, RSA-OAEP/PSS). */
  async generateKey(input: TypedKeyInput & { algorithm: KeyAlgorithm }): Promise<KeySummary> {
    await this.#authorize('key.create');
    const algorithm = checkAlgorithm(input.algorithm);
    const fields = this.#typedFields(input);
    const material = await this.#generateMaterial(algorithm);
    return this.#create(this.#typedMeta(fields, algorithm, material), utf8Encode(JSON.stringify(material)), 'generated', input);
  }

  /** A typed key from pasted PEM, JWK, hex or base64, validated by WebCrypto as `algorithm`. */
  async importKey(input: TypedKeyInput & { algorithm: KeyAlgorithm; text: string }): Promise<KeySummary> {
    await this.#authorize('key.create');
    const algorithm = checkAlgorithm(input.algorithm);
    const fields = this.#typedFields(input);
    const material = await importMaterial(input.text, algorithm);
    return this.#create(this.#typedMeta(fields, algorithm, material), utf8Encode(JSON.stringify(material)), 'imported', input);
  }

  #typedFields(input: TypedKeyInput): { name: string; tags: string[]; notes: string } {
    if (typeof input !== 'object' || input === null) throw new VaultError('InvalidInput', 'no key data given', { field: 'name' });
    return { name: checkName(input.name), tags: checkTags(input.tags), notes: checkNotes(input.notes) };
  }

  #typedMeta(fields: { name: string; tags: string[]; notes: string }, algorithm: KeyAlgorithm, material: KeyMaterial): SealedMeta {
    return { kind: algorithm.kind, ...fields, format: 'text', algorithm, recipe: null, hasPrivate: material.privateKey !== undefined || material.secret !== undefined, compromiseReason: null, history: [] };
  }

  async #generateMaterial(algorithm: KeyAlgorithm): Promise<KeyMaterial> {
    try {
      return await generateTypedKey(algorithm);
    } catch (cause) {
      if (cause instanceof TypedKeyError && cause.reason === 'Unsupported') throw new VaultError('Unsupported', cause.message, { cause });
      throw cause;
    }
  }

  async #create(meta: SealedMeta, material: Uint8Array, origin: VersionOrigin, input: { rotation?: unknown; activationAt?: unknown }): Promise<KeySummary> {
    const userKey = this.#key();
    const rotation = input.rotation === undefined ? { ...DEFAULT_ROTATION } : checkRotation(input.rotation);
    const now = this.#clock.now();
    const activationAt = checkActivation(input.activationAt ?? null);
    const held = await this.#load();
    const id = randomId() as KeyId;
    const userId = this.user.id;
    const state: KeyState = activationAt !== null && activationAt > now ? 'pre-activation' : 'active';
    const fullMeta: SealedMeta = { ...meta, history: [{ at: now, actor: userId, action: 'created', to: state, version: 1 }] };
    const row: KeyRow = {
      id,
      createdAt: now,
      updatedAt: now,
      currentVersion: 1,
      currentOrigin: origin,
      currentCompromisedAt: null,
      minVersion: 1,
      keepVersions: KEEP_VERSIONS.default,
      state,
      stateChangedAt: now,
      activationAt,
      rotationDays: rotation.periodDays,
      autoRotate: rotation.auto,
      lastRotatedAt: now,
      destroyAt: null,
      sealedMeta: new Uint8Array(0),
    };
    const grant = await guarded(async () => {
      const dek = await generateDataKey();
      const grant: GrantRow = { keyId: id, principalId: userId, permission: 'owner', createdAt: now, wrappedDek: await wrapKey(userKey, dek, aad.dek(id, userId)) };
      row.sealedMeta = await sealMeta(dek, id, fullMeta);
      const version: VersionRow = { keyId: id, version: 1, createdAt: now, origin, sealedValue: await seal(dek, material, aad.value(id, 1)), destroyedAt: null, compromisedAt: null };
      // Keep only a non-extractable copy in memory: unwrap what was just stored, which also proves it opens.
      const kept = await unwrapDataKey(userKey, grant.wrappedDek!, aad.dek(id, userId));
      await this.#write([S.keys, S.versions, S.grants], [{ action: 'key.create', keyId: id, version: 1, details: { kind: meta.kind, origin, state } }], async (tx) => {
        await allRequests([() => tx.objectStore(S.keys).add(row), () => tx.objectStore(S.versions).add(version), () => tx.objectStore(S.grants).add(grant)]);
      }, { grants: true });
      this.#deks.set(id, kept);
      return grant;
    });
    const h: Held = { row, meta: fullMeta, permission: 'owner', grant };
    held.set(id, h);
    return this.#summary(h);
  }

  // ── changing ─────────────────────────────────────────────────────────────

  /** Edits name, tags and notes; for a secret also format, and a new value (stored as a new version). */
  async updateKey(id: KeyId, patch: Partial<KeyInput>): Promise<KeySummary> {
    const held = await this.#authorize('key.manage', id);
    if (!stateAllows(held.row.state, 'edit', held.row.destroyAt !== null)) throw notUsable(held.row.state);
    const { meta } = held;
    if (meta.kind !== 'secret') {
      if (patch.value !== undefined || patch.format !== undefined) throw new VaultError('InvalidInput', 'a typed key gets new material by rotation', { field: 'value' });
      const next: SealedMeta = {
        ...meta,
        name: patch.name === undefined ? meta.name : checkName(patch.name),
        tags: patch.tags === undefined ? meta.tags : checkTags(patch.tags),
        notes: patch.notes === undefined ? meta.notes : checkNotes(patch.notes),
      };
      return this.#commit(id, held, () => ({ row: { ...held.row }, meta: next }));
    }
    const next: SealedMeta = {
      ...meta,
      name: patch.name === undefined ? meta.name : checkName(patch.name),
      tags: patch.tags === undefined ? meta.tags : checkTags(patch.tags),
      notes: patch.notes === undefined ? meta.notes : checkNotes(patch.notes),
    };
    if (patch.value === undefined && patch.format === undefined) return this.#commit(id, held, () => ({ row: { ...held.row }, meta: next }));
    // Value or format changes: the value is re-checked, so a secret never claims a format its value is not in.
    const format = checkFormat(patch.format ?? meta.format);
    // Read without a key.reveal entry: nothing is shown, and the edit is logged as key.update or key.rotate.
    const currentValue = utf8Decode(await this.#material(id, held, 'reveal', undefined, null));
    const value = checkValue(patch.value ?? currentValue, format);
    if (value !== currentValue) {
      // A new value is a rotation at the provider: same rules, same history.
      return this.#rotate(id, held, { material: utf8Encode(value), origin: 'imported', meta: { ...next, format } });
    }
    return this.#commit(id, held, () => ({ row: { ...held.row }, meta: { ...next, format } }));
  }

  /**
   * Makes version n+1. Generated keys get fresh material; a pasted secret or imported key needs `value`
   * (the new value from its provider, or the new key as PEM/JWK/hex/base64).
   */
  async rotateKey(id: KeyId, options: { value?: string } = {}): Promise<KeySummary> {
    await this.#authorize('key.rotate', id);
    return this.#rotateAs(id, options.value, this.user.id);
  }

  async #rotateAs(id: KeyId, value: string | undefined, actor: string): Promise<KeySummary> {
    const held = await this.#get(id);
    if (!stateAllows(held.row.state, 'rotate', held.row.destroyAt !== null)) throw notUsable(held.row.state);
    const fresh = await this.#newMaterial(held, value);
    return this.#rotate(id, held, { ...fresh, actor });
  }

  async #newMaterial(held: Held, value: string | undefined): Promise<{ material: Uint8Array; origin: VersionOrigin }> {
    const { meta } = held;
    if (value !== undefined) {
      if (meta.kind === 'secret') return { material: utf8Encode(checkValue(value, meta.format)), origin: 'imported' };
      return { material: utf8Encode(JSON.stringify(await importMaterial(value, meta.algorithm!))), origin: 'imported' };
    }
    if (!canAutoRotate(held)) throw new VaultError('InvalidInput', 'this key came from elsewhere: give its new value to rotate it', { field: 'value' });
    if (meta.kind === 'secret') return { material: utf8Encode(generateSecret(meta.recipe!)), origin: 'generated' };
    return { material: utf8Encode(JSON.stringify(await this.#generateMaterial(meta.algorithm!))), origin: 'generated' };
  }

  async #rotate(id: KeyId, held: Held, fresh: { material: Uint8Array; origin: VersionOrigin; meta?: SealedMeta; extraEvents?: KeyEvent[]; actor?: string }): Promise<KeySummary> {
    const actor = fresh.actor ?? this.user.id;
    const dek = await this.#dek(id);
    const now = this.#clock.now();
    const version = held.row.currentVersion + 1;
    const sealedValue = await guarded(() => seal(dek, fresh.material, aad.value(id, version)));
    const meta = fresh.meta ?? held.meta;
    const events: KeyEvent[] = [...(fresh.extraEvents ?? []), { at: now, actor, action: 'rotated', version }];
    let state = held.row.state;
    if (state === 'compromised') {
      events.push({ at: now, actor, action: 'state', from: 'compromised', to: 'active', version });
      state = 'active';
    }
    return this.#commit(id, held, () => ({
      row: { ...held.row, currentVersion: version, lastRotatedAt: now, state, stateChangedAt: state === held.row.state ? held.row.stateChangedAt : now },
      meta: { ...meta, compromiseReason: state === 'active' ? null : meta.compromiseReason, history: [...meta.history, ...events] },
      addVersions: [{ keyId: id, version, createdAt: now, origin: fresh.origin, sealedValue, destroyedAt: null, compromisedAt: null }],
    }));
  }

  /**
   * Moves a key to another state (NIST SP 800-57). "compromised" needs a reason and forces a rotation:
   * a key that can make its own material is rotated at once (the key stays active on a new version);
   * otherwise it stays compromised until rotated with a new value (`value` here does it in one step).
   */
  async setState(id: KeyId, to: KeyState, options: { reason?: string; value?: string } = {}): Promise<KeySummary> {
    // Reporting a compromise forces a rotation: a rotate grant is enough. Other state changes are management.
    await this.#authorize(to === 'compromised' ? 'key.rotate' : 'key.manage', id);
    return this.#setStateAs(id, to, options, this.user.id);
  }

  async #setStateAs(id: KeyId, to: KeyState, options: { reason?: string; value?: string }, actor: string): Promise<KeySummary> {
    const held = await this.#get(id);
    const from = held.row.state;
    if (!isLegalTransition(from, to)) throw new VaultError('IllegalTransition', `a ${from} key cannot become ${to}`);
    const now = this.#clock.now();
    if (to !== 'compromised') {
      return this.#commit(id, held, () => ({
        row: { ...held.row, state: to, stateChangedAt: now, ...(to === 'active' && from === 'pre-activation' ? { lastRotatedAt: now } : {}) },
        meta: { ...held.meta, history: [...held.meta.history, { at: now, actor, action: 'state', from, to }] },
      }));
    }
    const reason = checkReason(options.reason);
    const event: KeyEvent = { at: now, actor, action: 'state', from, to: 'compromised', reason, version: held.row.currentVersion };
    const current = await guarded(() => this.#db.get(S.versions, [id, held.row.currentVersion]));
    if (!current) throw new VaultError('Corrupt', 'the current version of this key is missing');
    const flagged: VersionRow = { ...current, compromisedAt: now };
    // A key waiting for destruction is marked, not rotated: it is not to be used again.
    if (held.row.destroyAt === null && (options.value !== undefined || canAutoRotate(held))) {
      const fresh = await this.#newMaterial(held, options.value);
      const compromisedHeld: Held = { ...held, row: { ...held.row, state: 'compromised' }, meta: { ...held.meta, compromiseReason: reason } };
      const dek = await this.#dek(id);
      const version = held.row.currentVersion + 1;
      const sealedValue = await guarded(() => seal(dek, fresh.material, aad.value(id, version)));
      return this.#commit(id, held, () => ({
        row: { ...held.row, currentVersion: version, lastRotatedAt: now, state: from === 'pre-activation' ? 'active' : from, stateChangedAt: now },
        meta: {
          ...compromisedHeld.meta,
          compromiseReason: null,
          history: [...held.meta.history, event, { at: now, actor, action: 'rotated', version }, { at: now, actor, action: 'state', from: 'compromised', to: from === 'pre-activation' ? 'active' : from, version }],
        },
        addVersions: [{ keyId: id, version, createdAt: now, origin: fresh.origin, sealedValue, destroyedAt: null, compromisedAt: null }],
        putVersions: [flagged],
      }));
    }
    return this.#commit(id, held, () => ({
      row: { ...held.row, state: 'compromised', stateChangedAt: now },
      meta: { ...held.meta, compromiseReason: reason, history: [...held.meta.history, event] },
      putVersions: [flagged],
    }));
  }

  async setRotationPolicy(id: KeyId, policy: { periodDays: number | null; auto: boolean }): Promise<KeySummary> {
    const held = await this.#authorize('key.rotate', id);
    const clean = checkRotation(policy);
    const now = this.#clock.now();
    return this.#commit(id, held, () => ({
      row: { ...held.row, rotationDays: clean.periodDays, autoRotate: clean.auto },
      meta: { ...held.meta, history: [...held.meta.history, { at: now, actor: this.user.id, action: 'policy', reason: clean.periodDays === null ? 'no rotation period' : `every ${clean.periodDays} days${clean.auto ? ', automatic' : ''}` }] },
    }));
  }

  /** Retires every version below `version` (Vault's min_decryption_version): kept, no longer usable. */
  async setOldestUsableVersion(id: KeyId, version: number): Promise<KeySummary> {
    const held = await this.#authorize('key.rotate', id);
    if (!Number.isInteger(version) || version < 1 || version > held.row.currentVersion) {
      throw new VaultError('InvalidInput', `the oldest usable version must be from 1 to ${held.row.currentVersion}`, { field: 'oldestUsableVersion' });
    }
    const now = this.#clock.now();
    return this.#commit(id, held, () => ({
      row: { ...held.row, minVersion: version },
      meta: { ...held.meta, history: [...held.meta.history, { at: now, actor: this.user.id, action: 'oldest-usable', version }] },
    }));
  }

  async setKeepVersions(id: KeyId, count: number): Promise<KeySummary> {
    const held = await this.#authorize('key.rotate', id);
    const keep = checkKeepVersions(count);
    return this.#commit(id, held, () => ({ row: { ...held.row, keepVersions: keep }, meta: held.meta }));
  }

  /** Destroys the material of every version older than the last `keepVersions`. Returns how many. */
  async trimVersions(id: KeyId): Promise<number> {
    const held = await this.#authorize('key.rotate', id);
    const cutoff = held.row.currentVersion - held.row.keepVersions; // versions ≤ cutoff go
    if (cutoff < 1) return 0;
    const rows = await guarded(() => this.#db.getAllFromIndex(S.versions, 'byKey', id));
    const now = this.#clock.now();
    const doomed = rows.filter((v) => v.version <= cutoff && v.sealedValue !== null).map((v) => ({ ...v, sealedValue: null, destroyedAt: now }));
    if (doomed.length === 0) return 0;
    await this.#commit(id, held, () => ({
      row: { ...held.row, minVersion: Math.max(held.row.minVersion, cutoff + 1) },
      meta: { ...held.meta, history: [...held.meta.history, { at: now, actor: this.user.id, action: 'versions-trimmed', version: cutoff }] },
      putVersions: doomed,
    }));
    return doomed.length;
  }

  /** Deleting a key schedules its destruction after `days` (7–30, default 30), cancellable until then. */
  async scheduleDestruction(id: KeyId, days?: number): Promise<KeySummary> {
    const held = await this.#authorize('key.manage', id);
    if (held.row.state === 'destroyed') throw new VaultError('IllegalTransition', 'this key is already destroyed');
    const wait = checkDestructionDays(days);
    const now = this.#clock.now();
    const destroyAt = addDays(now, wait);
    return this.#commit(id, held, () => ({
      row: { ...held.row, destroyAt },
      meta: { ...held.meta, history: [...held.meta.history, { at: now, actor: this.user.id, action: 'destruction-scheduled', reason: `in ${wait} days` }] },
    }));
  }

  async cancelDestruction(id: KeyId): Promise<KeySummary> {
    const held = await this.#authorize('key.manage', id);
    if (held.row.destroyAt === null) throw new VaultError('IllegalTransition', 'no destruction is scheduled for this key');
    const now = this.#clock.now();
    return this.#commit(id, held, () => ({
      row: { ...held.row, destroyAt: null },
      meta: { ...held.meta, history: [...held.meta.history, { at: now, actor: this.user.id, action: 'destruction-cancelled' }] },
    }));
  }

  /** Removes a destroyed key's remaining record (its metadata) for good. */
  async deleteKey(id: KeyId): Promise<void> {
    const held = await this.#authorize('key.manage', id);
    if (held.row.state !== 'destroyed') throw new VaultError('IllegalTransition', 'only a destroyed key can be removed; schedule its destruction first');
    await this.#write([S.keys, S.versions, S.grants], [{ action: 'key.remove', keyId: id }], async (tx) => {
      const versions = tx.objectStore(S.versions);
      const grants = tx.objectStore(S.grants);
      const [versionKeys, grantKeys] = await Promise.all([versions.index('byKey').getAllKeys(id), grants.index('byKey').getAllKeys(id)]);
      await allRequests([() => tx.objectStore(S.keys).delete(id), ...versionKeys.map((k) => () => versions.delete(k)), ...grantKeys.map((k) => () => grants.delete(k))]);
    });
    this.#held?.delete(id);
    this.#deks.delete(id);
  }

  /**
   * Work that falls due with time, run on unlock and every minute while open: activations whose time
   * came, automatic rotations of generated keys, and destructions whose waiting period ended.
   */
  async runDueWork(): Promise<DueWork> {
    const held = await this.#load();
    const now = this.#clock.now();
    const done: DueWork = { activated: [], rotated: [], destroyed: [] };
    for (const [id, h] of [...held.entries()]) {
      if (this.locked) break;
      // Due work is done by whoever holds the key at the level the change needs; others leave it to them.
      if (!atLeast(h.permission, 'rotate')) continue;
      if (h.row.destroyAt !== null && h.row.destroyAt <= now && !atLeast(h.permission, 'manage')) continue;
      if (h.row.destroyAt !== null && h.row.destroyAt <= now) {
        await this.#destroy(id, h);
        done.destroyed.push(id);
        continue;
      }
      if (h.row.state === 'pre-activation' && h.row.activationAt !== null && h.row.activationAt <= now) {
        await this.#setStateAs(id, 'active', {}, SYSTEM_ACTOR);
        done.activated.push(id);
      }
      const current = held.get(id)!;
      const due = nextRotationAt(current.row.state, rotationOf(current.row), current.row.lastRotatedAt, current.row.currentCompromisedAt);
      if (current.row.autoRotate && current.row.state === 'active' && current.row.destroyAt === null && due !== null && due <= now && canAutoRotate(current)) {
        await this.#rotateAs(id, undefined, SYSTEM_ACTOR);
        done.rotated.push(id);
      }
    }
    return done;
  }

  async #destroy(id: KeyId, held: Held): Promise<void> {
    const rows = await guarded(() => this.#db.getAllFromIndex(S.versions, 'byKey', id));
    const now = this.#clock.now();
    await this.#commit(id, held, () => ({
      row: { ...held.row, state: 'destroyed', stateChangedAt: now, destroyAt: null },
      meta: { ...held.meta, history: [...held.meta.history, { at: now, actor: SYSTEM_ACTOR, action: 'destroyed', from: held.row.state, to: 'destroyed' }] },
      // Destruction erases the material of every version; the record's metadata stays (NIST "destroyed").
      putVersions: rows.map((v) => ({ ...v, sealedValue: null, destroyedAt: v.destroyedAt ?? now })),
    }));
  }

  // ── internals ────────────────────────────────────────────────────────────

  /**
   * Writes one change to a key: seals the next metadata first, then in one transaction checks that
   * nobody changed the key meanwhile (another tab), and writes the row and version rows.
   */
  async #commit(id: KeyId, held: Held, make: () => Change): Promise<KeySummary> {
    const metaKey = await this.#metaKeyOf(id);
    const change = make();
    const now = this.#clock.now();
    const added = change.addVersions?.at(-1);
    const currentPut = change.putVersions?.find((v) => v.version === change.row.currentVersion);
    const row: KeyRow = {
      ...change.row,
      updatedAt: now,
      currentOrigin: added?.origin ?? held.row.currentOrigin,
      currentCompromisedAt: added ? added.compromisedAt : currentPut ? currentPut.compromisedAt : held.row.currentCompromisedAt,
      sealedMeta: await guarded(() => sealMeta(metaKey, id, change.meta)),
    };
    await this.#write([S.keys, S.versions], auditEventsOf(id, held.meta, change.meta, row.currentVersion), async (tx) => {
      await this.#keyUnchanged(tx, held, { missing: 'NotFound' });
      const versions = tx.objectStore(S.versions);
      await allRequests([
        () => tx.objectStore(S.keys).put(row),
        ...(change.addVersions ?? []).map((v) => () => versions.add(v)),
        ...(change.putVersions ?? []).map((v) => () => versions.put(v)),
      ]);
    });
    const next: Held = { ...held, row, meta: change.meta };
    this.#held?.set(id, next);
    return this.#summary(next);
  }

  /**
   * Inside a write that changes a key from the copy this session holds: the stored row's sealed metadata
   * must still be the one `held` was read with, else someone (another tab?) changed the key meanwhile and
   * the write is refused. A key gone meanwhile is refused the same way, or as NotFound where `missing` says.
   */
  async #keyUnchanged(tx: Tx<StoreName[], 'readwrite'>, held: Held, options: { missing?: 'NotFound' } = {}): Promise<void> {
    const stored = await tx.objectStore(S.keys).get(held.row.id);
    if (!stored && options.missing === 'NotFound') throw new VaultError('NotFound', 'no such key');
    if (!stored || !bytesEqual(stored.sealedMeta, held.row.sealedMeta)) throw new VaultError('ChangedElsewhere', 'the key was changed elsewhere (another tab?); reload and try again');
  }

  /**
   * Opens one version's material after the state checks, and logs the use (or its denial) as `action`.
   * `action` null: an internal read for a change that is logged itself (an edit re-checking the value).
   */
  async #material(id: KeyId, held: Held, use: KeyUse, version: number | undefined, action: AuditAction | null, details: Record<string, unknown> = {}): Promise<Uint8Array> {
    const v = version ?? held.row.currentVersion;
    const deny = async (error: VaultError): Promise<never> => {
      if (action) await this.record({ action, keyId: id, version: Number.isInteger(v) ? v : null, outcome: 'denied', details: { ...details, why: error.message } }).catch(() => undefined);
      throw error;
    };
    if (!stateAllows(held.row.state, use, held.row.destroyAt !== null)) return deny(notUsable(held.row.state, held.row.destroyAt !== null));
    if (!Number.isInteger(v) || v < 1 || v > held.row.currentVersion) throw new VaultError('NotFound', 'no such version');
    if (v < held.row.minVersion) return deny(new VaultError('KeyNotUsable', `version ${v} is retired (older than the oldest usable version ${held.row.minVersion})`));
    const dek = await this.#dek(id);
    const row = await guarded(() => this.#db.get(S.versions, [id, v]));
    if (!row) throw new VaultError('Corrupt', 'this version of the key is missing');
    if (row.sealedValue === null) return deny(new VaultError('KeyNotUsable', `version ${v} was destroyed`));
    const sealed = row.sealedValue;
    const material = await guarded(() => open(dek, sealed, aad.value(id, v)));
    // The use is logged before the material is handed out: no entry, no value.
    if (action) await this.record({ action, keyId: id, version: v, details });
    return material;
  }

  async #get(id: KeyId): Promise<Held> {
    const held = (await this.#load()).get(id);
    if (!held) throw new VaultError('NotFound', 'no such key');
    return held;
  }

  async #dek(id: KeyId): Promise<DataKey> {
    const userKey = this.#key();
    const cached = this.#deks.get(id);
    if (cached) return cached;
    const held = await this.#get(id);
    if (held.grant.wrappedDek === null) throw new VaultError('AccessDenied', 'a "view" grant holds no data key');
    const { dek } = await guarded(() => openGrant(held.grant, userKey, this.#principals.get(held.grant.principalId)));
    if (this.#userKey !== null && dek) this.#deks.set(id, dek);
    return dek!;
  }

  /** The key the metadata is sealed under: the meta key where the key has one, else the DEK. */
  async #metaKeyOf(id: KeyId): Promise<DataKey> {
    return this.#metaKeys.get(id) ?? this.#dek(id);
  }

  /** Decrypts every key this user holds a grant for (directly or through a group), once per unlock. */
  #load(): Promise<Map<KeyId, Held>> {
    this.#key();
    if (this.#held) return Promise.resolve(this.#held);
    this.#loading ??= this.#loadAll().finally(() => (this.#loading = null));
    return this.#loading;
  }

  /** Opens the user's own private key and each of their groups' (for grants made by ECDH). */
  async #openPrincipals(self: UserRow | undefined, members: MemberRow[], groups: Map<string, GroupRow>): Promise<Map<string, OpenPrincipal>> {
    const userKey = this.#key();
    const out = new Map<string, OpenPrincipal>();
    if (!self?.sealedPrivateKey || !self.publicKey) return out;
    const me: OpenPrincipal = { id: self.id, publicKey: self.publicKey, privateKey: await openUserPrivate(self.id, userKey, self.sealedPrivateKey) };
    out.set(self.id, me);
    for (const m of members) {
      const group = groups.get(m.groupId);
      if (group) out.set(group.id, { id: group.id, publicKey: group.publicKey, privateKey: await openAsMember(m, me) });
    }
    return out;
  }

  /**
   * Opens every key this user holds a grant for, slice by slice as the rows arrive (key-rows.ts): the first slices
   * are being decrypted while the browser still reads the next ones.
   */
  async #openAll(read: KeyRowsRead): Promise<OpenedKeys> {
    const userKey = this.#key();
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
            [...best.values()].map(async (grant): Promise<[KeyId, Held, DataKey | null, DataKey] | null> => {
              const row = keys.get(grant.keyId);
              if (!row) return null;
              const id = row.id as KeyId;
              const { dek, metaKey: granted } = await openGrant(grant, userKey, open_.get(grant.principalId));
              const metaKey = dek ? (row.wrappedMetaKey ? await openMetaKey(id, dek, row.wrappedMetaKey) : dek) : granted;
              if (!metaKey) throw new TypeError('a grant holds neither a data key nor a meta key');
              const meta = parseMeta(utf8Decode(await open(metaKey, row.sealedMeta, aad.meta(id))));
              return [id, { row, meta, permission: grant.permission, grant }, dek, metaKey];
            }),
          );
        }),
      );
      return { entries: opened.flat().filter((e) => e !== null), principals: open_ };
    });
    // A storage failure is the transaction's error (StorageError), not the request's that surfaced first.
    const [result, ended] = await Promise.allSettled([opening, guarded(() => read.done)]);
    if (ended.status === 'rejected') throw ended.reason;
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  }

  async #loadAll(): Promise<Map<KeyId, Held>> {
    const generation = this.#generation;
    const userId = this.user.id;
    const prefetched = this.#prefetched;
    this.#prefetched = null;
    let loaded: OpenedKeys;
    try {
      loaded = await this.#openAll(prefetched ?? readKeyRows(this.#db, userId));
    } catch (error) {
      // The early read failed (not the decryption): read again once.
      if (prefetched === null || (await prefetched.done.then(() => true, () => false))) throw error;
      loaded = await this.#openAll(readKeyRows(this.#db, userId));
    }
    // A lock() while decrypting wins: nothing decrypted is kept.
    if (this.#userKey === null) throw new VaultError('Locked', 'the vault is locked');
    if (generation !== this.#generation) return this.#load();
    if (this.#held) return this.#held;
    const map = new Map<KeyId, Held>();
    this.#principals = loaded.principals;
    for (const [id, h, dek, metaKey] of loaded.entries) {
      map.set(id, h);
      if (dek) this.#deks.set(id, dek);
      if (metaKey !== dek) this.#metaKeys.set(id, metaKey);
    }
    this.#held = map;
    return map;
  }

  #summary(h: Held): KeySummary {
    const { row, meta } = h;
    const rotation = rotationOf(row);
    return Object.freeze({
      id: row.id as KeyId,
      permission: h.permission,
      kind: meta.kind,
      name: meta.name,
      format: meta.format,
      tags: frozenCopy(meta.tags),
      notes: meta.notes,
      version: row.currentVersion,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      algorithm: meta.algorithm,
      hasPrivate: meta.hasPrivate,
      state: row.state,
      activationAt: row.activationAt,
      oldestUsableVersion: row.minVersion,
      keepVersions: row.keepVersions,
      rotation,
      lastRotatedAt: row.lastRotatedAt,
      nextRotationAt: nextRotationAt(row.state, rotation, row.lastRotatedAt, row.currentCompromisedAt),
      canAutoRotate: canAutoRotate(h),
      recipe: meta.recipe,
      destroyAt: row.destroyAt,
      compromiseReason: meta.compromiseReason,
      history: frozenCopy(meta.history),
    });
  }
}

const EVENT_ACTION: Record<KeyEvent['action'], AuditAction> = {
  created: 'key.create',
  rotated: 'key.rotate',
  state: 'key.state',
  policy: 'key.policy',
  'oldest-usable': 'key.policy',
  'destruction-scheduled': 'key.destruction.schedule',
  'destruction-cancelled': 'key.destruction.cancel',
  destroyed: 'key.destroy',
  'versions-trimmed': 'key.trim',
};

/** The audit entries of one change: its new history events, or "key.update" naming the fields edited. */
function auditEventsOf(id: string, before: SealedMeta, after: SealedMeta, currentVersion: number): AuditEvent[] {
  const added = after.history.slice(before.history.length);
  if (added.length > 0) {
    return added.map((e) => ({
      action: EVENT_ACTION[e.action],
      actor: e.actor,
      keyId: id,
      version: e.version ?? currentVersion,
      details: { ...(e.from ? { from: e.from } : {}), ...(e.to ? { to: e.to } : {}), ...(e.reason ? { reason: e.reason } : {}), event: e.action },
    }));
  }
  const fields = (['name', 'tags', 'notes', 'format'] as const).filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
  return [{ action: 'key.update', keyId: id, version: currentVersion, details: { fields } }];
}

/** A decrypted key record, as a backup merge moves it between vaults. */
export interface KeyDump {
  row: Omit<KeyRow, 'sealedMeta'>;
  meta: SealedMeta;
  versions: (Omit<VersionRow, 'sealedValue'> & { material: Uint8Array | null })[];
}

function filterForExport(f: AuditFilter): Record<string, unknown> {
  return {
    from: f.from != null ? new Date(f.from).toISOString() : null,
    to: f.to != null ? new Date(f.to).toISOString() : null,
    actions: f.actions ?? [],
    actors: f.actors ?? [],
    keyId: f.keyId ?? null,
    outcome: f.outcome ?? null,
  };
}

/** Whether the grant a key was opened through is still the stored one (not revoked, changed or re-keyed). */
function grantStands(stored: GrantRow | undefined, grant: GrantRow): boolean {
  if (!stored || stored.permission !== grant.permission) return false;
  const a = stored.wrappedDek ?? stored.wrappedMetaKey;
  const b = grant.wrappedDek ?? grant.wrappedMetaKey;
  return a !== undefined && b !== undefined && bytesEqual(a, b);
}

/** A read-only array for a summary: the same array when it is already frozen (as parseMeta leaves them), else a frozen copy. */
function frozenCopy<T>(items: readonly T[]): readonly T[] {
  return Object.isFrozen(items) ? items : Object.freeze([...items]);
}

function rotationOf(row: KeyRow): { periodDays: number | null; auto: boolean } {
  return { periodDays: row.rotationDays, auto: row.autoRotate };
}

/** Generated secrets (they carry their recipe) and typed keys made here can make their next version. */
function canAutoRotate(h: Held): boolean {
  if (h.meta.kind === 'secret') return h.meta.recipe !== null;
  return h.meta.algorithm !== null && h.meta.hasPrivate && h.row.currentOrigin === 'generated';
}

function notUsable(state: KeyState, pendingDestruction = false): VaultError {
  if (state === 'destroyed') return new VaultError('KeyNotUsable', 'this key was destroyed');
  if (pendingDestruction) return new VaultError('KeyNotUsable', 'this key is scheduled for destruction; cancel that to use it');
  return new VaultError('KeyNotUsable', `a ${state} key cannot be used for this`);
}

async function sealMeta(dek: DataKey, id: string, meta: SealedMeta): Promise<Uint8Array<ArrayBuffer>> {
  return seal(dek, utf8Encode(JSON.stringify(meta)), aad.meta(id));
}

async function importMaterial(text: string, algorithm: KeyAlgorithm): Promise<KeyMaterial> {
  try {
    return await importKeyMaterial(text, algorithm);
  } catch (cause) {
    if (cause instanceof TypedKeyError) {
      if (cause.reason === 'Unsupported') throw new VaultError('Unsupported', cause.message, { cause });
      throw new VaultError('InvalidInput', cause.message, { cause, field: 'material' });
    }
    throw cause;
  }
}

/** A group's new key pair, prepared outside the transaction (docs/FORMAT.md §1). */
interface GroupRekey {
  group: GroupRow;
  members: MemberRow[];
  removed: string[];
  grants: GrantRow[];
  at: number;
}

/** The members store's keys of one group ([groupId, userId]). */
function membersOf(groupId: string): IDBKeyRange {
  return IDBKeyRange.bound([groupId, ''], [groupId, '\uffff']);
}

async function applyGroupRekey(tx: Tx<StoreName[], 'readwrite'>, r: GroupRekey): Promise<void> {
  const groups = tx.objectStore(S.groups);
  const members = tx.objectStore(S.members);
  const grants = tx.objectStore(S.grants);
  const stored = await grants.index('byPrincipal').count(r.group.id);
  if (stored !== r.grants.length) throw new VaultError('ChangedElsewhere', 'the group was changed elsewhere (another tab?); try again');
  await allRequests([
    () => groups.put(r.group),
    ...r.removed.map((u) => () => members.delete([r.group.id, u])),
    ...r.members.map((m) => () => members.put(m)),
    ...r.grants.map((g) => () => grants.put(g)),
  ]);
}
