// Owns an unlocked session as the UI sees it: one SessionContext shared by one module per concern (keys, lifecycle,
// access, directory, audit, backups, settings, credentials), the unlock's first steps, and locking.

import type { AuditPendingRow, UserRow } from '../../storage';
import { DB, allRequests } from '../../storage';
import type { AuditEvent } from '../audit-log';
import type { SignedInUser } from '../types';
import { AuditTrail } from './audit-trail';
import { Backups } from './backups';
import { SessionContext, type LockCause, type SessionInit } from './context';
import { Credentials, type KdfUpgradeRequest } from './credentials';
import { Directory } from './directory';
import { KeyAccess } from './key-access';
import { KeyImports } from './key-import';
import { KeyLifecycle } from './key-lifecycle';
import { KeyRecords } from './key-records';
import { setUpLedger, type LedgerReport } from './ledger-setup';
import { Passkeys } from './passkeys';
import { PlainExports } from './plain-export';
import { SessionSettings } from './settings';

const S = DB.stores;

/** The pending store as unlock found it (pending-audit.ts): the rows to fold in, why others were refused, all ids read. */
export interface PendingFold {
  accepted: AuditPendingRow[];
  refused: string[];
  ids: number[];
  /** Rows past the cap, not read. */
  dropped: number;
}

/** What unlock hands to start(): failed unlocks to fold into the log, and a KDF upgrade to make. */
export interface SessionStart {
  pending?: PendingFold;
  kdfUpgrade?: KdfUpgradeRequest | null;
  /** A new vault: its creation entry is already written. */
  created?: boolean;
  /** Unlocked with a passkey (issue #18): the unlock entry names it, and its "last used" is set in the same write. */
  passkey?: { slotId: string; name: string };
}

export class Session {
  readonly user: SignedInUser;
  /** Key records: list, read, reveal, export, create, edit. */
  readonly keys: KeyRecords;
  /** Rotation, states, versions, destruction, due work. */
  readonly lifecycle: KeyLifecycle;
  /** Grants and revokes of one key. */
  readonly access: KeyAccess;
  /** Many keys at once from another manager's file (issue #16). */
  readonly imports: KeyImports;
  /** Keys as plaintext files: .env of some keys, KDBX 4 of all (issue #16). */
  readonly plainExport: PlainExports;
  /** Users, groups and members. */
  readonly directory: Directory;
  /** The audit log: checks, reports, exports, archive, records. */
  readonly audit: AuditTrail;
  /** Backup files and the dump/import a merge makes. */
  readonly backup: Backups;
  readonly settings: SessionSettings;
  /** This user's password and user key. */
  readonly credentials: Credentials;
  /** This user's passkeys that unlock beside the password (issue #18). */
  readonly passkeys: Passkeys;
  readonly #ctx: SessionContext;
  #ledgerReport: LedgerReport = { problem: null, mismatched: [] };

  constructor(init: SessionInit) {
    const ctx = new SessionContext(init);
    this.#ctx = ctx;
    this.user = init.user;
    this.keys = new KeyRecords(ctx);
    this.lifecycle = new KeyLifecycle(ctx);
    this.access = new KeyAccess(ctx);
    this.imports = new KeyImports(ctx);
    this.plainExport = new PlainExports(ctx);
    this.directory = new Directory(ctx);
    this.audit = new AuditTrail(ctx);
    this.backup = new Backups(ctx);
    this.settings = new SessionSettings(ctx, init.settings);
    this.credentials = new Credentials(ctx);
    this.passkeys = new Passkeys(ctx);
  }

  /** True until a user added with a one-time password has chosen their own (everything else is refused). */
  get mustChangePassword(): boolean {
    return this.#ctx.mustChange;
  }

  get locked(): boolean {
    return this.#ctx.locked;
  }

  get kdfIterations(): number {
    return this.#ctx.kdfIterations;
  }

  /**
   * What this unlock found wrong with the signed list of users and groups (issue #14): where it stopped verifying,
   * and rows it does not back. Empty when all is well. Reported once in the log as integrity.failed.
   */
  get ledgerReport(): LedgerReport {
    return this.#ledgerReport;
  }

  /** This user's first sign-in as the ledger records it (when, from what client); null if none is recorded. */
  get firstSignIn(): { at: number; client: string } | null {
    const first = this.#ctx.ledger.me?.firstSignIn;
    return first ? { at: first.at, client: first.client } : null;
  }

  /** Set when unlock raised the stored PBKDF2 iterations to the current default. */
  get kdfUpgrade(): { from: number; to: number } | null {
    return this.credentials.kdfUpgrade;
  }

  /**
   * Runs once after unlock: folds failed unlocks recorded while locked into the log, records this
   * unlock, makes a pending KDF upgrade, and starts verifying the whole chain (audit.check()).
   */
  async start(options: SessionStart = {}): Promise<void> {
    // The key list starts opening now, beside this unlock's own writes: its rows (read since before the key
    // derivation) are decrypted slice by slice while the browser is still reading the rest (issue #7: unlock).
    // Not before a KDF upgrade, which rewrites this user's rows first.
    if (!options.created && !options.kdfUpgrade) this.#ctx.ring.load().catch(() => undefined);
    try {
      await this.#starting(options);
    } catch (error) {
      // The unlock fails: nothing decrypted meanwhile may outlive it (no lock entry: there was no unlock).
      this.#ctx.abandon();
      throw error;
    }
  }

  async #starting(options: SessionStart): Promise<void> {
    const pending = options.pending ?? { accepted: [], refused: [], ids: [], dropped: 0 };
    // The ledger first (issue #14): verified against this user's pin, which the unlock entry's write moves forward.
    await this.#ctx.ledger.load();
    const pin = options.created ? null : await this.#ctx.ledger.pinNow();
    if (!options.created) {
      const events: AuditEvent[] = [
        ...pending.accepted.map((p): AuditEvent => ({ action: p.action, at: p.at, actor: p.userId, outcome: p.action === 'unlock.failed' ? 'failed' : 'ok', details: { recordedWhileLocked: true, client: p.client } })),
        ...(pending.refused.length > 0 || pending.dropped > 0 ? [tamperEntry(pending)] : []),
        options.passkey ? { action: 'unlock', details: { method: 'passkey', passkey: options.passkey.name } } : { action: 'unlock' },
      ];
      const used = options.passkey ? { slotId: options.passkey.slotId, at: this.#ctx.clock.now(), userId: this.user.id } : null;
      await this.#ctx.writes.write(used || pin ? [S.auditPending, S.users] : [S.auditPending], events, async (tx) => {
        if (used) await markUsed(tx.objectStore(S.users), used);
        if (pin) await movePin(tx.objectStore(S.users), this.user.id, pin);
        const store = tx.objectStore(S.auditPending);
        // A flood past the cap is dropped whole; otherwise exactly the rows read (another tab may add one meanwhile).
        if (pending.dropped > 0) await store.clear();
        else await allRequests(pending.ids.map((id) => () => store.delete(id)));
      });
    }
    await this.credentials.ensureKeyPair();
    if (!options.created) this.#ledgerReport = await setUpLedger(this.#ctx);
    if (options.kdfUpgrade) await this.credentials.upgradeKdf(options.kdfUpgrade);
    this.audit.startCheck();
  }

  /**
   * Another tab changed stored keys: forgets the decrypted records and data keys, so the next read loads
   * them again from storage. The user key and the audit log stay (the log catches up by itself).
   * Throws VaultError('Locked') on a locked session.
   */
  forgetCached(): void {
    this.#ctx.ring.forgetCached();
  }

  /**
   * Drops every key and decrypted value from memory at once. Idempotent. The returned promise settles
   * when the lock entry is in the log (written with keys captured before they were dropped).
   */
  lock(reason: LockCause = 'manual'): Promise<void> {
    return this.#ctx.lock(reason);
  }

  /** Called once when this session locks (by lock() from anywhere), with why. Returns an unsubscribe function. */
  onLock(fn: (reason: LockCause) => void): () => void {
    return this.#ctx.onLock(fn);
  }
}

/** Sets a passkey slot's "last used" (a slot removed meanwhile is left alone). */
async function markUsed(users: { get(id: string): Promise<UserRow | undefined>; put(row: UserRow): Promise<unknown> }, used: { slotId: string; at: number; userId: string }): Promise<void> {
  const row = await users.get(used.userId);
  if (!row?.passkeys?.some((s) => s.id === used.slotId)) return;
  await users.put({ ...row, passkeys: row.passkeys.map((s) => (s.id === used.slotId ? { ...s, lastUsedAt: used.at } : s)) });
}

/** Moves this user's pin on the ledger to what this unlock verified. */
async function movePin(users: { get(id: string): Promise<UserRow | undefined>; put(row: UserRow): Promise<unknown> }, userId: string, pin: Uint8Array): Promise<void> {
  const row = await users.get(userId);
  if (row) await users.put({ ...row, pin });
}

/** The entry saying pending rows were refused or dropped: counts and the reasons, nothing copied from the rows. */
function tamperEntry(pending: PendingFold): AuditEvent {
  return {
    action: 'integrity.failed',
    outcome: 'failed',
    details: { store: 'auditPending', refused: pending.refused.length, dropped: pending.dropped, why: [...new Set(pending.refused)] },
  };
}
