// Owns one pass through "Check backup file" / "Restore backup": the chosen file (size checked before it is read),
// its preview, replace, and a merge's plan and choices. Passwords stay in the form's fields: each step is handed the
// one it needs, so a failure loses nothing typed.

import { BACKUP_ERROR_WORDS, BackupError, isVaultError, MAX_BACKUP_BYTES, type BackupPreview, type MergePlan, type Resolution } from '../../vault';
import { errorMessage, FORM_MESSAGES } from '../shared';

export interface MergePreview {
  plan: MergePlan;
  /** Writes the merge; resolves to what it did. */
  apply: (choices: Record<string, Resolution>) => Promise<void>;
}

export interface RestoreActions {
  /** "Check backup file": decrypts and validates; changes nothing. */
  inspect: (bytes: Uint8Array, password: string) => Promise<BackupPreview>;
  /** "Replace this vault" (after the person confirmed). */
  replace?: (bytes: Uint8Array, password: string) => Promise<void>;
  /** "Merge into this vault": only with an unlocked session. */
  previewMerge?: (bytes: Uint8Array, password: string, backupVaultPassword: string) => Promise<MergePreview>;
}

/** Which field an error belongs to, for aria-invalid and focus. */
export type RestoreField = 'file' | 'password' | 'vaultPassword' | null;
export type RestoreBusy = '' | 'check' | 'replace' | 'compare' | 'merge';

export const RESOLUTIONS: readonly { value: Resolution; label: string }[] = Object.freeze([
  { value: 'keep-mine', label: 'Keep mine' },
  { value: 'take-backup', label: 'Take backup' },
  { value: 'keep-both', label: 'Keep both' },
]);

export class RestoreFlow {
  readonly #actions: RestoreActions;
  /** The bytes the preview was made from; replace and merge use exactly these. Ciphertext: not secret. */
  #bytes: Uint8Array | null = null;
  #apply: MergePreview['apply'] | null = null;

  #file = $state.raw<File | null>(null);
  #preview = $state.raw<BackupPreview | null>(null);
  #error = $state('');
  #errorField = $state<RestoreField>(null);
  #busy = $state<RestoreBusy>('');
  #merging = $state(false);
  #plan = $state.raw<MergePlan | null>(null);
  #choices = $state<Record<string, Resolution>>({});

  constructor(actions: RestoreActions) {
    this.#actions = actions;
  }

  get fileName(): string {
    return this.#file?.name ?? '';
  }
  get preview(): BackupPreview | null {
    return this.#preview;
  }
  get error(): string {
    return this.#error;
  }
  get errorField(): RestoreField {
    return this.#errorField;
  }
  get busy(): RestoreBusy {
    return this.#busy;
  }
  get canReplace(): boolean {
    return this.#actions.replace !== undefined;
  }
  get canMerge(): boolean {
    return this.#actions.previewMerge !== undefined;
  }
  /** The person chose "Merge into this vault": the backup's vault password is asked for. */
  get merging(): boolean {
    return this.#merging;
  }
  get plan(): MergePlan | null {
    return this.#plan;
  }
  get choices(): Readonly<Record<string, Resolution>> {
    return this.#choices;
  }

  /** A new file (or none): whatever was shown for the old one goes. */
  setFile(file: File | null): void {
    this.#file = file;
    this.#reset();
  }

  /** The backup password changed: the preview belonged to the old one. */
  passwordChanged(): void {
    if (this.#preview !== null || this.#errorField === 'password') this.#reset();
  }

  /** Reads the file (after checking its size) and shows what the backup holds. Nothing changes. */
  async check(password: string): Promise<boolean> {
    this.#reset();
    const file = this.#file;
    if (file === null) return this.#fail(FORM_MESSAGES.backupFileRequired, 'file');
    if (password === '') return this.#fail(FORM_MESSAGES.backupPasswordRequired, 'password');
    // FORMAT.md §6.1: a file over the limit is refused on its size, before a single byte is read.
    if (file.size > MAX_BACKUP_BYTES) return this.#fail(BACKUP_ERROR_WORDS.TooLarge, 'file');
    this.#busy = 'check';
    try {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await file.arrayBuffer());
      } catch {
        return this.#fail(FORM_MESSAGES.backupFileUnreadable, 'file');
      }
      const preview = await this.#actions.inspect(bytes, password);
      if (this.#file !== file) return false;
      this.#bytes = bytes;
      this.#preview = preview;
      return true;
    } catch (error) {
      return this.#failWith(error);
    } finally {
      this.#busy = '';
    }
  }

  /** "Replace this vault", once confirmed. Resolves true when the vault was replaced. */
  async replace(password: string): Promise<boolean> {
    const replace = this.#actions.replace;
    if (!replace || this.#bytes === null || this.#preview === null) return false;
    this.#clearError();
    this.#busy = 'replace';
    try {
      await replace(this.#bytes, password);
      return true;
    } catch (error) {
      return this.#failWith(error);
    } finally {
      this.#busy = '';
    }
  }

  startMerge(): void {
    this.#merging = true;
  }

  cancelMerge(): void {
    this.#merging = false;
    this.#plan = null;
    this.#apply = null;
    this.#choices = {};
    this.#clearError();
  }

  /** Opens the backup's keys with its vault password and compares them with this vault's. */
  async compare(password: string, backupVaultPassword: string): Promise<boolean> {
    const previewMerge = this.#actions.previewMerge;
    if (!previewMerge || this.#bytes === null) return false;
    this.#clearError();
    this.#plan = null;
    this.#apply = null;
    if (backupVaultPassword === '') return this.#fail(FORM_MESSAGES.backupVaultPasswordRequired, 'vaultPassword');
    this.#busy = 'compare';
    try {
      const { plan, apply } = await previewMerge(this.#bytes, password, backupVaultPassword);
      this.#plan = plan;
      this.#apply = apply;
      this.#choices = Object.fromEntries(plan.conflicts.map((c) => [c.id, 'keep-mine' as Resolution]));
      return true;
    } catch (error) {
      // The backup password was checked already: a wrong password now is the backup's vault password.
      if (isVaultError(error, 'WrongPassword')) return this.#fail(FORM_MESSAGES.backupVaultPasswordWrong, 'vaultPassword');
      return this.#failWith(error);
    } finally {
      this.#busy = '';
    }
  }

  setChoice(id: string, resolution: Resolution): void {
    this.#choices = { ...this.#choices, [id]: resolution };
  }

  /** Writes the merge with the choices made. Resolves true when done. */
  async merge(): Promise<boolean> {
    const apply = this.#apply;
    if (apply === null) return false;
    this.#clearError();
    this.#busy = 'merge';
    try {
      await apply({ ...this.#choices });
      return true;
    } catch (error) {
      return this.#failWith(error);
    } finally {
      this.#busy = '';
    }
  }

  #failWith(error: unknown): false {
    const field: RestoreField = error instanceof BackupError ? (error.code === 'WrongPassword' ? 'password' : 'file') : null;
    return this.#fail(errorMessage(error), field);
  }

  #fail(message: string, field: RestoreField): false {
    this.#error = message;
    this.#errorField = field;
    return false;
  }

  #clearError(): void {
    this.#error = '';
    this.#errorField = null;
  }

  #reset(): void {
    this.#bytes = null;
    this.#preview = null;
    this.#merging = false;
    this.#plan = null;
    this.#apply = null;
    this.#choices = {};
    this.#clearError();
  }
}
