// Owns a vault as a whole: whether one exists, creating it, and unlocking it into a Session.

import { calibrateIterations, checkKdfParams, DEFAULT_ITERATIONS, KDF_NAME, deriveKek, generateUserKey, isWellFormed, newKdfParams, randomId, unwrapUserKey, wrapKey } from '../crypto';
import { allRequests, DB, openKeywardDb, StorageError, withTx, type KeywardDb, type MetaRow, type UserRow } from '../storage';
import { aad } from './context';
import { VaultError } from './errors';
import { asVaultError, guarded } from './failures';
import { Session } from './session';
import { openUserKey, storedKdf, upgradeKdf } from './user-keys';
import { checkNewPassword, checkSettings, checkUserName } from './validate';
import { DEFAULT_SETTINGS, systemClock, type Clock, type UserId } from './types';

const S = DB.stores;

export interface OpenVaultOptions {
  /** IndexedDB database name (tests use a fresh one each). */
  dbName?: string;
  clock?: Clock;
  /** Another tab upgraded the schema: this tab's connection is closed and must reload. */
  onVersionChange?: () => void;
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

export async function openVault(options: OpenVaultOptions = {}): Promise<Vault> {
  try {
    const db = await openKeywardDb({ name: options.dbName ?? DB.name, onVersionChange: options.onVersionChange });
    return new Vault(db, options.clock ?? systemClock, checkKdfParams({ name: KDF_NAME, iterations: options.kdfFloor ?? DEFAULT_ITERATIONS, salt: new Uint8Array(16) }).iterations);
  } catch (error) {
    throw asVaultError(error);
  }
}

export class Vault {
  readonly #db: KeywardDb;
  readonly #clock: Clock;
  readonly #kdfFloor: number;
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
    return guarded(async () => {
      const kek = await deriveKek(password, kdf);
      const wrappedUserKey = await wrapKey(kek, await generateUserKey(), aad.userKey(userId));
      // The session keeps a non-extractable copy, unwrapped from what is stored (which also proves it opens).
      const userKey = await unwrapUserKey(kek, wrappedUserKey, aad.userKey(userId));
      const meta: MetaRow = { id: 'vault', vaultId: randomId(), createdAt: now, settings: { ...DEFAULT_SETTINGS } };
      const user: UserRow = { id: userId, name: ownerName, role: 'owner', createdAt: now, kdf, wrappedUserKey };
      try {
        await withTx(this.#db, [S.meta, S.users], 'readwrite', async (tx) => {
          await allRequests([() => tx.objectStore(S.meta).add(meta), () => tx.objectStore(S.users).add(user)]);
        });
      } catch (error) {
        // Another tab created a vault between our check and our write: add() refused, nothing was written.
        if (error instanceof StorageError && error.code === 'Conflict') throw new VaultError('VaultExists', 'a vault already exists here', { cause: error });
        throw error;
      }
      return new Session({ db: this.#db, clock: this.#clock, user: { id: userId, name: ownerName, role: 'owner' }, userKey, settings: meta.settings, kdfIterations: kdf.iterations });
    });
  }

  async unlock(input: UnlockInput): Promise<Session> {
    const password = input.password;
    if (typeof password !== 'string' || password.length === 0 || !isWellFormed(password)) throw new VaultError('WrongPassword', 'the password does not open this vault');
    const { meta, user } = await guarded(() =>
      withTx(this.#db, [S.meta, S.users], 'readonly', async (tx) => {
        const meta = await tx.objectStore(S.meta).get('vault');
        const users = await tx.objectStore(S.users).getAll();
        const user = input.userId ? users.find((u) => u.id === input.userId) : users.find((u) => u.role === 'owner');
        return { meta, user };
      }),
    );
    if (!meta) throw new VaultError('NoVault', 'there is no vault in this browser');
    // An unknown user gets the same answer as a wrong password: no hint which part was wrong.
    if (!user) throw new VaultError('WrongPassword', 'the password does not open this vault');
    const settings = (() => {
      try {
        return checkSettings(meta.settings);
      } catch {
        return { ...DEFAULT_SETTINGS };
      }
    })();
    const iterations = storedKdf(user).iterations;
    const needsUpgrade = iterations < this.#kdfFloor;
    let { userKey } = await openUserKey(user, password, { extractable: needsUpgrade });
    let kdfUpgrade: { from: number; to: number } | null = null;
    if (needsUpgrade) {
      // KDF upgrade: iterations below today's default are raised now, while the password is at hand.
      // A failure must not lock the person out: the old wrapping still opens the vault, so unlock goes on.
      const upgraded = await upgradeKdf(this.#db, user, userKey, password, this.#kdfFloor).catch(() => null);
      if (upgraded) kdfUpgrade = { from: upgraded.from, to: upgraded.to };
      // Never keep the extractable copy in the session.
      userKey = upgraded?.userKey ?? (await openUserKey(user, password)).userKey;
    }
    return new Session({
      db: this.#db,
      clock: this.#clock,
      user: { id: user.id as UserId, name: user.name, role: user.role },
      userKey,
      settings,
      kdfIterations: kdfUpgrade?.to ?? iterations,
      kdfUpgrade,
    });
  }

  close(): void {
    this.#db.close();
  }
}
