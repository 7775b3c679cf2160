// Owns what the app does with backups while it runs: when the last one was made (and whether one is due), making one,
// checking a file, replacing the vault with one, and merging one in.

import { VaultError, type BackupPreview, type MergePlan, type Resolution, type Session, type Vault } from '../../vault';
import type { MergePreview } from './restore-state.svelte';

/** A backup is due when the last one is older than this (or keys changed since, or there is none). */
export const BACKUP_REMINDER_DAYS = 7;
export const RESTORED_NOTICE = 'Restored. Unlock with the vault password the backup was made with.';

export interface BackupStatus {
  readonly lastAt: number | null;
  readonly due: boolean;
  readonly changedSince: boolean;
}

/** What the backup actions need of the app. */
export interface BackupHost {
  session(): Session | null;
  /** Throws VaultError('NoVault') before the vault is open. */
  vault(): Vault;
  /** Whether the status may be read now: the vault screen shows, and the role may export backups. */
  mayReadStatus(session: Session): boolean;
  /** "Backup saved as …", "Merged: …". */
  sayOutcome(text: string): void;
  /** The words of a merge's outcome (loaded with the unlocked state). */
  mergedText(plan: MergePlan, choices: Readonly<Record<string, Resolution>>): string;
  /** After a merge: the key list reads again. */
  refreshKeys(): Promise<void>;
  /** After a restore: other tabs, the session and the unlock screen follow. */
  restored(): Promise<void>;
}

export class BackupActions {
  readonly #host: BackupHost;
  #status = $state.raw<BackupStatus | null>(null);

  constructor(host: BackupHost) {
    this.#host = host;
  }

  /** When the last backup was made and whether one is due; null until read. */
  get status(): BackupStatus | null {
    return this.#status;
  }

  /** At lock and at each new session. */
  clear(): void {
    this.#status = null;
  }

  /** Reads when the last backup was made and whether one is due (admins only: others are refused). Never rejects. */
  async refreshStatus(): Promise<void> {
    const session = this.#host.session();
    if (session === null || !this.#host.mayReadStatus(session)) return;
    try {
      const status = await session.backup.status(BACKUP_REMINDER_DAYS);
      if (this.#host.session() === session) this.#status = status;
    } catch {
      // Locked meanwhile, or storage refused: the reminder waits for the next read.
    }
  }

  /**
   * Makes an encrypted backup of the whole vault and returns its file name and bytes for the page to download.
   * Throws VaultError: PasswordTooShort for an own backup password, WrongPassword for the vault password.
   */
  async export(options: { password: string; useVaultPassword: boolean }): Promise<{ filename: string; bytes: Uint8Array }> {
    const session = this.#session();
    const file = await session.backup.export(options);
    if (this.#host.session() === session) {
      this.#host.sayOutcome(`Backup saved as ${file.filename}. Keep it somewhere other than this device.`);
      await this.refreshStatus();
    }
    return file;
  }

  /** "Check backup file": what a backup holds and how it relates to this browser's vault. Changes nothing. */
  inspect(bytes: Uint8Array, password: string): Promise<BackupPreview> {
    // With someone signed in, the check (and a failed one) is logged as backup.verify.
    return this.#host.vault().inspectBackup(bytes, password, this.#host.session() ?? undefined);
  }

  /**
   * "Replace this vault": everything here becomes the backup's vault. Then any open session is locked and the unlock
   * screen asks for the vault password the backup was made with. A failure changes nothing and keeps the session.
   */
  async restore(bytes: Uint8Array, password: string): Promise<void> {
    // From inside the vault only an admin may replace it: the session lets the vault check (and log a refusal).
    await this.#host.vault().restoreBackup(bytes, password, this.#host.session() ?? undefined);
    await this.#host.restored();
  }

  /** "Merge into this vault": compares the backup's keys with this vault's; `apply` writes the choices. */
  async previewMerge(bytes: Uint8Array, password: string, backupVaultPassword: string): Promise<MergePreview> {
    const session = this.#session();
    const { plan, apply } = await this.#host.vault().previewMerge(session, bytes, password, backupVaultPassword);
    return {
      plan,
      apply: async (choices) => {
        await apply(choices);
        if (this.#host.session() !== session) return;
        this.#host.sayOutcome(this.#host.mergedText(plan, choices));
        await this.#host.refreshKeys().catch(() => undefined);
        await this.refreshStatus();
      },
    };
  }

  #session(): Session {
    const session = this.#host.session();
    if (session === null) throw new VaultError('Locked', 'the vault is locked');
    return session;
  }
}
