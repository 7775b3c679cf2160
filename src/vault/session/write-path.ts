// Owns the one write path of a session: one write at a time (in this tab and, by the Web Lock, across tabs), one
// readwrite transaction holding the change and its audit entries, and the re-checks of what another tab may change.

import { bytesEqual } from '../../crypto';
import { DB, withTx, withWriteLock, type StoreName, type Tx, type WriteLock } from '../../storage';
import { HeadMoved, type AuditEvent, type AuditLog } from '../audit-log';
import type { AuditAction } from '../audit-chain';
import { VaultError } from '../errors';
import { asVaultError, guarded } from '../failures';
import { USER_KEY_CHANGED, type LockCause, type SessionContext } from './context';
import { LedgerMoved, type PreparedLinks } from './principal-ledger';

const S = DB.stores;

export interface WriteOptions {
  /**
   * The write stores grants (or this user's key pair): it also checks, in its transaction, that this
   * session's user key is still the stored one (#userKeyStands).
   */
  grants?: boolean;
  /**
   * Ledger links the write makes (issue #14), signed under the write lock (so no other tab appends meanwhile): they
   * are stored in the write's transaction, with this user's pin moved to them.
   */
  links?: () => Promise<PreparedLinks | null>;
}

/** Thrown inside a write's transaction by #userKeyStands; write() turns it into a lock and VaultError 'Locked'. */
class UserKeyChanged extends Error {
  constructor(readonly removed: boolean) {
    super(removed ? 'this user was removed' : USER_KEY_CHANGED);
  }
}

export class WritePath {
  readonly #ctx: SessionContext;
  /** Writes run one at a time, so each audit entry is chained from the head the previous one left. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /**
   * Writes a change and its audit entries in one readwrite transaction (ARCHITECTURE.md §3). Entries
   * are prepared (sealed, chained) first; inside the transaction the stored head is checked. When
   * another tab appended meanwhile, its entries are verified and the write is prepared again once.
   */
  async write<T>(stores: StoreName[], events: readonly AuditEvent[], fn: (tx: Tx<StoreName[], 'readwrite'>) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    const ctx = this.#ctx;
    return this.#serial(async (lock) => {
      const log = ctx.log();
      for (let attempt = 0; ; attempt++) {
        const prepared = await guarded(() => log.prepare(events));
        const links = options.links ? await options.links() : null;
        try {
          const result = await withTx(
            ctx.db,
            [...new Set<StoreName>([...stores, S.meta, S.audit, ...(options.grants || links ? [S.users] : []), ...(links ? [S.ledger] : [])])],
            'readwrite',
            async (tx) => {
              if (options.grants) await this.#userKeyStands(tx);
              await log.write(tx, prepared);
              const result = await fn(tx);
              // After the change: the pin goes onto this user's row as the change left it.
              if (links) await ctx.ledger.store(tx, links);
              return result;
            },
            { lock },
          );
          log.commit(prepared);
          if (links) ctx.ledger.adopt(links);
          return result;
        } catch (error) {
          // Another tab appended to the audit log or the ledger (often both: a directory change writes to each):
          // catch up with both and prepare again, at most twice.
          if ((error instanceof HeadMoved || error instanceof LedgerMoved) && attempt < 2) {
            await guarded(() => log.catchUp(ctx.db));
            await ctx.ledger.catchUp();
            continue;
          }
          if (error instanceof LedgerMoved) throw new VaultError('ChangedElsewhere', 'users or groups were changed elsewhere meanwhile (another tab?); try again');
          if (error instanceof UserKeyChanged) {
            // Nothing was written. This session's user key is stale (or its user gone): it locks, as a "rekeyed"
            // message from the other tab would lock it (not awaited: the lock entry queues behind this write).
            void ctx.lock(error.removed ? 'manual' : 'rekeyed');
            throw new VaultError('Locked', error.message);
          }
          throw asVaultError(error);
        }
      }
    });
  }

  /** Records an event that changes nothing else (a reveal, a copy, an export, a denial). */
  async record(event: AuditEvent): Promise<void> {
    await this.write([], [event], async () => undefined);
  }

  /**
   * Records several events as consecutive, chained entries in one transaction (all or none). Used to
   * seed large logs (the benchmark's 100,000 entries); at most 10,000 per call.
   */
  async recordMany(events: readonly AuditEvent[]): Promise<void> {
    if (events.length > 10_000) throw new RangeError(`"events" must hold at most 10,000 events, got ${events.length}`);
    await this.write([], events, async () => undefined);
  }

  /** The lock entry, written with the log captured before the session dropped it. Never fails. */
  async recordLock(log: AuditLog, reason: LockCause): Promise<void> {
    const db = this.#ctx.db;
    const action: AuditAction = reason === 'auto' ? 'lock.auto' : 'lock';
    const event: AuditEvent = reason === 'rekeyed' ? { action, details: { why: 'the user key was changed in another tab' } } : { action };
    await this.#serial(async (lock) => {
      for (let attempt = 0; ; attempt++) {
        const prepared = await log.prepare([event]);
        try {
          await withTx(db, [S.meta, S.audit], 'readwrite', (tx) => log.write(tx, prepared), { lock });
          return;
        } catch (error) {
          // Another tab wrote since this one did (it always has, when it changed this user's key): catch up once.
          if (!(error instanceof HeadMoved) || attempt > 0) throw error;
          await log.catchUp(db);
        }
      }
    }).catch(() => undefined); // a lock never fails because its entry could not be written
  }

  /**
   * One at a time within this tab, and across tabs under the database's write lock (Web Locks), held from
   * preparing the audit entries to the commit; the chain head check still covers browsers without it.
   */
  #serial<T>(fn: (lock: WriteLock) => Promise<T>): Promise<T> {
    const locked = () => withWriteLock(this.#ctx.db.name, fn);
    const run = this.#queue.then(locked, locked);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Inside a write that stores grants or this user's key pair: the stored user row must still hold the
   * wrapping this session's user key was opened from. If another tab rotated the user key (or changed the
   * password, or restored a backup) meanwhile, a grant wrapped under the key held here would open for
   * nobody afterwards: the write is refused instead (write() then locks the session).
   */
  async #userKeyStands(tx: Tx<StoreName[], 'readwrite'>): Promise<void> {
    const stored = await tx.objectStore(S.users).get(this.#ctx.user.id);
    if (!stored) throw new UserKeyChanged(true);
    if (!bytesEqual(stored.wrappedUserKey, this.#ctx.wrappedUserKey)) throw new UserKeyChanged(false);
  }
}
