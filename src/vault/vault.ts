// Owns a vault as a whole: whether one exists, creating it, and unlocking it into a Session.

import { calibrateIterations, checkKdfParams, DEFAULT_ITERATIONS, KDF_NAME, MIN_ITERATIONS, deriveKek, generateUserKey, isWellFormed, newKdfParams, randomId, unwrapUserKey, wrapKey, type UserKey } from '../crypto';
import { allRequests, DB, deleteKeywardDb, openKeywardDb, StorageError, withTx, type AuditPendingRow, type KeywardDb, type MetaRow, type UserRow } from '../storage';
import { aad } from './context';
import { VaultError } from './errors';
import { asVaultError, guarded } from './failures';
import { readKeyRows } from './key-rows';
import { openUserKey, storedKdf } from './open-key';
import { openWithSlot, slotFor, slotsOf, type PasskeyRequest } from './passkeys';
import { describeClient } from './client';
import { BackupError } from './backup-errors';
import type { KdfUpgradeRequest, Session } from './session/index';
import type { BackupPreview } from './backup';
import type { MergePlan, Resolution } from './merge';

// Backups and merges load on first use: the unlock screen's bundle does not carry them (issue #7).
const backupCode = () => import('./backup');
const mergeCode = () => import('./merge');
/**
 * The session and its audit log load when create() or unlock() begins, while PBKDF2 runs (issue #7). The promise
 * returned carries a no-op catch, so a load that fails while the password turns out wrong is not an unhandled
 * rejection; awaiting it still throws the load error (never turned into a VaultError: it says nothing about storage).
 */
function sessionCode(): Promise<typeof import('./unlocked')> {
  const loading = import('./unlocked');
  loading.catch(() => undefined);
  return loading;
}
import { checkPending, MAX_PENDING } from './pending-audit';
import { checkNewPassword, checkSettings, checkUserName } from './validate';
import { DEFAULT_SETTINGS, systemClock, type Clock, type UserId } from './types';

const S = DB.stores;

export interface OpenVaultOptions {
  /** IndexedDB database name (tests use a fresh one each). */
  dbName?: string;
  clock?: Clock;
  /** Another tab upgraded the schema: this tab's connection is closed and must reload. */
  onVersionChange?: (newVersion: number | null) => void;
  /** The browser closed the connection by itself (storage cleared, disk failure): this tab must reload. */
  onTerminated?: () => void;
  /** Stored PBKDF2 iterations below this are raised at unlock (default DEFAULT_ITERATIONS, 600,000). */
  kdfFloor?: number;
}

export interface CreateVaultInput {
  ownerName: string;
  password: string;
  /** PBKDF2 iterations; default: calibrated to this device (≥ 600,000). */
  iterations?: number;
}

export interface UnlockInput {
  password: string;
  /** Which user unlocks; default: the vault's owner. */
  userId?: UserId;
}

/** Issue #18: the credential the authenticator answered with, and its PRF output (`results.first`) for that slot's salt. */
export interface PasskeyUnlockInput {
  credentialId: Uint8Array;
  prfOutput: Uint8Array;
  /** Which user unlocks; default: the vault's owner. */
  userId?: UserId;
}

interface UnlockRead {
  meta: MetaRow;
  user: UserRow | undefined;
  pending: { rows: AuditPendingRow[]; total: number; userIds: Set<string> };
}

export async function openVault(options: OpenVaultOptions = {}): Promise<Vault> {
  try {
    const db = await openKeywardDb({ name: options.dbName ?? DB.name, onVersionChange: options.onVersionChange, onTerminated: options.onTerminated });
    return new Vault(db, options.clock ?? systemClock, checkKdfParams({ name: KDF_NAME, iterations: options.kdfFloor ?? DEFAULT_ITERATIONS, salt: new Uint8Array(16) }).iterations);
  } catch (error) {
    throw asVaultError(error);
  }
}

export class Vault {
  readonly #db: KeywardDb;
  readonly #clock: Clock;
  readonly #kdfFloor: number;
  readonly #client = describeClient();
  #calibrated: Promise<number> | null = null;

  constructor(db: KeywardDb, clock: Clock, kdfFloor: number) {
    this.#db = db;
    this.#clock = clock;
    this.#kdfFloor = kdfFloor;
  }

  async exists(): Promise<boolean> {
    return guarded(async () => (await this.#db.get(S.meta, 'vault')) !== undefined);
  }

  /** Names for the unlock screen's user picker (plaintext by design, docs/FORMAT.md §1). */
  async users(): Promise<{ id: UserId; name: string }[]> {
    const rows = await guarded(() => this.#db.getAll(S.users));
    return rows.map((u) => ({ id: u.id as UserId, name: u.name }));
  }

  /** Iterations a new vault gets on this device: PBKDF2 tuned to ≈500 ms, never below 600,000. Measured once. */
  calibrate(): Promise<number> {
    this.#calibrated ??= calibrateIterations({ targetMs: 500 });
    return this.#calibrated;
  }

  async create(input: CreateVaultInput): Promise<Session> {
    const ownerName = checkUserName(input.ownerName);
    const password = checkNewPassword(input.password);
    if (await this.exists()) throw new VaultError('VaultExists', 'a vault already exists here');
    const code = sessionCode();
    const iterations = input.iterations ?? (await this.calibrate());
    const kdf = (() => {
      try {
        return newKdfParams(iterations);
      } catch (cause) {
        throw new VaultError('InvalidInput', 'the iteration count is out of bounds', { cause, field: 'iterations' });
      }
    })();
    const now = this.#clock.now();
    const userId = randomId() as UserId;
    const vaultId = randomId();
    const { wrappedUserKey, userKey } = await guarded(async () => {
      const kek = await deriveKek(password, kdf);
      const wrappedUserKey = await wrapKey(kek, await generateUserKey(), aad.userKey(userId));
      // The session keeps a non-extractable copy, unwrapped from what is stored (which also proves it opens).
      return { wrappedUserKey, userKey: await unwrapUserKey(kek, wrappedUserKey, aad.userKey(userId)) };
    });
    // Loaded meanwhile (started above): a failed load rejects here with its own error, not as a storage failure.
    const { AuditLog, createAuditKeys, newUserKeyPair, ownerGenesis, Session } = await code;
    return guarded(async () => {
      const audit = await createAuditKeys(vaultId, userId, userKey);
      const pair = await newUserKeyPair(userId, userKey);
      const log = new AuditLog(audit.keys, audit.meta.head, { clock: this.#clock, actor: userId, client: this.#client });
      const entries = await log.prepare([{ action: 'vault.create', details: { iterations: kdf.iterations } }]);
      const meta: MetaRow = { id: 'vault', vaultId, createdAt: now, settings: { ...DEFAULT_SETTINGS }, audit: { ...audit.meta, head: entries.head } };
      // The ledger's first link (issue #14): the owner, their keys, signed with their new signing key and pinned.
      const genesis = await ownerGenesis({ vaultId, userId, name: ownerName, publicKey: pair.publicKey, userKey, at: now });
      const user: UserRow = {
        id: userId,
        name: ownerName,
        role: 'owner',
        createdAt: now,
        kdf,
        wrappedUserKey,
        wrappedAuditKey: audit.wrappedAuditKey,
        publicKey: pair.publicKey,
        sealedPrivateKey: pair.sealedPrivateKey,
        sealedSigningKey: genesis.sealedSigningKey,
        pin: genesis.pin,
      };
      try {
        await withTx(this.#db, [S.meta, S.users, S.audit, S.ledger], 'readwrite', async (tx) => {
          await allRequests([
            () => tx.objectStore(S.meta).add(meta),
            () => tx.objectStore(S.users).add(user),
            () => tx.objectStore(S.ledger).add(genesis.link),
            ...entries.rows.map((r) => () => tx.objectStore(S.audit).add(r)),
          ]);
        });
      } catch (error) {
        // Another tab created a vault between our check and our write: add() refused, nothing was written.
        if (error instanceof StorageError && error.code === 'Conflict') throw new VaultError('VaultExists', 'a vault already exists here', { cause: error });
        throw error;
      }
      log.commit(entries);
      const session = new Session({ db: this.#db, clock: this.#clock, user: { id: userId, name: ownerName, role: 'owner' }, userKey, wrappedUserKey, settings: meta.settings, kdfIterations: kdf.iterations, audit: log });
      await session.start({ created: true });
      return session;
    });
  }

  async unlock(input: UnlockInput): Promise<Session> {
    // The session code loads while the rows are read and PBKDF2 runs; it is awaited once the user key is open.
    const code = sessionCode();
    const password = input.password;
    const { meta, user, pending } = await this.#readForUnlock(input.userId);
    // An unknown user gets the same answer as a wrong password: no hint which part was wrong.
    if (!user || typeof password !== 'string' || password.length === 0 || !isWellFormed(password)) return this.#refuse(input.userId ?? user?.id ?? 'unknown');
    const iterations = storedKdf(user).iterations;
    const needsUpgrade = iterations < this.#kdfFloor;
    // The key rows are read while PBKDF2 runs (off the main thread), instead of after it (issue #7: unlock).
    const prefetched = readKeyRows(this.#db, user.id);
    let opened;
    try {
      opened = await openUserKey(user, password, { extractable: needsUpgrade });
    } catch (error) {
      if (error instanceof VaultError && error.code === 'WrongPassword') return this.#refuse(user.id);
      throw error;
    }
    // Never keep an extractable copy in the session: the KEK just derived unwraps a non-extractable one.
    const userKey = needsUpgrade ? await guarded(() => unwrapUserKey(opened.kek, user.wrappedUserKey, aad.userKey(user.id))) : opened.userKey;
    const kdfUpgrade = needsUpgrade ? { user, extractableUserKey: opened.userKey, password, floor: this.#kdfFloor } : null;
    return this.#startSession(code, { meta, user, pending }, userKey, prefetched, { kdfUpgrade });
  }

  /**
   * What the unlock screen hands the authenticator for a user (default: the owner): each passkey's credential id and
   * PRF salt, nothing secret. Empty when the user has none (or does not exist: the screen then offers the password only).
   */
  async passkeyRequests(userId?: UserId): Promise<PasskeyRequest[]> {
    const users = await guarded(() => this.#db.getAll(S.users));
    const user = userId ? users.find((u) => u.id === userId) : users.find((u) => u.role === 'owner');
    return user ? slotsOf(user).map((s) => ({ credentialId: new Uint8Array(s.credentialId), prfSalt: new Uint8Array(s.prfSalt) })) : [];
  }

  /**
   * Unlock with a passkey (issue #18): the credential the authenticator used and its PRF output for that slot's salt.
   * PRF output → KEK_prf → slot key → user key. A refusal (unknown user or credential, a PRF output that is not 32
   * bytes or is all zero, one that does not open the slot) is recorded as a failed unlock, like a wrong password, and
   * throws PasskeyRefused. A user who must still choose their own password cannot use one.
   */
  async unlockWithPasskey(input: PasskeyUnlockInput): Promise<Session> {
    const code = sessionCode();
    const read = await this.#readForUnlock(input.userId);
    const user = read.user;
    const slot = user && !user.mustChangePassword ? slotFor(user, input.credentialId) : undefined;
    if (!user || !slot) return this.#refuse(input.userId ?? user?.id ?? 'unknown', 'passkey');
    const prefetched = readKeyRows(this.#db, user.id);
    let userKey;
    try {
      userKey = await openWithSlot(user.id, slot, input.prfOutput);
    } catch (error) {
      if (error instanceof VaultError && error.code === 'PasskeyRefused') return this.#refuse(user.id, 'passkey');
      throw error;
    }
    return this.#startSession(code, { ...read, user }, userKey, prefetched, { passkey: { slotId: slot.id, name: slot.name } });
  }

  /** Unlock's one read: meta, the user (default: the owner) and the pending failed unlocks, in one readonly transaction. */
  async #readForUnlock(userId: UserId | undefined): Promise<UnlockRead> {
    const read = await guarded(() =>
      withTx(this.#db, [S.meta, S.users, S.auditPending], 'readonly', async (tx) => {
        const meta = await tx.objectStore(S.meta).get('vault');
        const users = await tx.objectStore(S.users).getAll();
        const user = userId ? users.find((u) => u.id === userId) : users.find((u) => u.role === 'owner');
        // Bounded: a store flooded by anyone who can write storage must not stall unlock (issue #14).
        const store = tx.objectStore(S.auditPending);
        const [pending, pendingCount] = await Promise.all([store.getAll(undefined, MAX_PENDING), store.count()]);
        return { meta, user, pending: { rows: pending, total: pendingCount, userIds: new Set(users.map((u) => u.id)) } };
      }),
    );
    if (!read.meta) throw new VaultError('NoVault', 'there is no vault in this browser');
    return { ...read, meta: read.meta };
  }

  /** The user key is open: the audit keys, the Session, and its first steps (failed unlocks folded in, the unlock entry). */
  async #startSession(
    code: ReturnType<typeof sessionCode>,
    read: UnlockRead & { user: UserRow },
    userKey: UserKey,
    prefetched: ReturnType<typeof readKeyRows>,
    start: { kdfUpgrade?: KdfUpgradeRequest | null; passkey?: { slotId: string; name: string } },
  ): Promise<Session> {
    const { meta, user, pending } = read;
    const settings = (() => {
      try {
        return checkSettings(meta.settings);
      } catch {
        return { ...DEFAULT_SETTINGS };
      }
    })();
    const { AuditLog, openAuditKeys, Session } = await code;
    const keys = await guarded(() => openAuditKeys(meta.vaultId, meta.audit, user.id, user.wrappedAuditKey, userKey));
    const log = new AuditLog(keys, meta.audit.head, { clock: this.#clock, actor: user.id, client: this.#client });
    const session = new Session({
      db: this.#db,
      clock: this.#clock,
      user: { id: user.id as UserId, name: user.name, role: user.role, mustChangePassword: user.mustChangePassword === true },
      userKey,
      wrappedUserKey: user.wrappedUserKey,
      settings,
      kdfIterations: storedKdf(user).iterations,
      audit: log,
      prefetched,
    });
    // Pending rows are written without any key: only those Keyward could have written are folded in (issue #14).
    const checked = checkPending(pending.rows, { userIds: pending.userIds, createdAt: meta.createdAt, now: this.#clock.now() });
    const fold = { ...checked, ids: pending.rows.map((r) => r.id!), dropped: pending.total - pending.rows.length };
    await session.start({ pending: fold, ...start });
    return session;
  }

  /**
   * A failed unlock is kept in a small pending store (no key is in memory to seal or chain it) and folded
   * into the log at the next successful unlock (docs/AUDIT.md §3).
   */
  async #refuse(userId: string, method: 'password' | 'passkey' = 'password'): Promise<never> {
    const row: AuditPendingRow = { at: this.#clock.now(), userId, action: 'unlock.failed', client: this.#client };
    await withTx(this.#db, [S.auditPending], 'readwrite', async (tx) => {
      const store = tx.objectStore(S.auditPending);
      // Bounded: a script hammering the unlock form cannot fill the disk (docs/AUDIT.md §3 names this limit).
      if ((await store.count()) < MAX_PENDING) await store.add(row);
    }).catch(() => undefined);
    if (method === 'passkey') throw new VaultError('PasskeyRefused', 'this passkey does not open this vault');
    throw new VaultError('WrongPassword', 'the password does not open this vault');
  }

  /** "Check backup file": decrypts and validates a backup without touching the vault. */
  async inspectBackup(file: Uint8Array, password: string, session?: Session): Promise<BackupPreview> {
    try {
      const { openBackup } = await backupCode();
      const { preview } = await openBackup(this.#db, file, password, true);
      await session?.audit.record({ action: 'backup.verify', details: { counts: preview.counts, createdAt: preview.createdAt, sameVault: preview.sameVault, olderThanVault: preview.olderThanVault } });
      return preview;
    } catch (error) {
      // A check that failed is logged too (with the reason's code), when someone is signed in.
      if (error instanceof BackupError && session && !session.locked) await session.audit.record({ action: 'backup.verify', outcome: 'failed', details: { error: error.code } }).catch(() => undefined);
      throw error;
    }
  }

  /**
   * "Replace this vault": everything here is replaced by the backup's vault in one transaction (any
   * failure leaves the vault as it was). Works where no vault exists. Unlock afterwards with the vault
   * password the backup was made with. Any open session must be locked by the caller.
   */
  async restoreBackup(file: Uint8Array, password: string, session?: Session): Promise<BackupPreview> {
    // From inside a vault only an admin replaces it (where no vault opens, there is no one to ask).
    if (session) await session.backup.authorizeRestore();
    const { openBackup, replaceVault } = await backupCode();
    const { preview, payload } = await openBackup(this.#db, file, password);
    await replaceVault(this.#db, payload, this.#clock.now(), this.#client);
    return preview;
  }

  /**
   * "Merge into this vault", step 1: opens the backup (its password, then the vault password it was
   * made with) in a temporary database, and compares its keys with this session's by id.
   */
  async previewMerge(session: Session, file: Uint8Array, backupPassword: string, backupVaultPassword: string): Promise<{ preview: BackupPreview; plan: MergePlan; apply: (choices: Record<string, Resolution>) => Promise<void> }> {
    const [{ openBackup, replaceVault }, { planMerge, resolveMerge }] = await Promise.all([backupCode(), mergeCode()]);
    const { preview, payload } = await openBackup(this.#db, file, backupPassword);
    const tmpName = `keyward-merge-${randomId()}`;
    const tmp = await guarded(() => openKeywardDb({ name: tmpName }));
    let theirs;
    try {
      await replaceVault(tmp, payload, this.#clock.now(), this.#client);
      const other = new Vault(tmp, this.#clock, MIN_ITERATIONS);
      const s = await other.unlock({ password: backupVaultPassword });
      theirs = await s.backup.dump('merge: read backup');
      await s.lock();
    } finally {
      tmp.close();
      await deleteKeywardDb(tmpName).catch(() => undefined);
    }
    const mine = await session.backup.dump('merge: compare with backup');
    const plan = planMerge(mine, theirs);
    return {
      preview,
      plan,
      apply: async (choices) => {
        const records = resolveMerge(mine, theirs, choices);
        await session.backup.importRecords(records, { mode: 'merge', added: records.add.length, replaced: records.replace.length, backupCreatedAt: preview.createdAt });
      },
    };
  }

  close(): void {
    this.#db.close();
  }
}
