// Owns the signed-in person's own settings and keys as the app changes them: vault settings (auto-lock, clipboard),
// their password, their user key, and the key-derivation cost that protects it.

import type { Session, Settings, TabSync } from '../../vault';

export interface AccountHost {
  /** The open session; throws VaultError('Locked') when there is none. */
  session(): Session;
  current(): Session | null;
  /** Settings saved: the app uses them (auto-lock time) from now on. */
  settingsSaved(settings: Settings): void;
  tabs: TabSync | null;
}

export class Account {
  readonly #host: AccountHost;
  #kdfIterations = $state(0);

  constructor(host: AccountHost) {
    this.#host = host;
  }

  /** PBKDF2 iterations protecting the signed-in person's user key. */
  get kdfIterations(): number {
    return this.#kdfIterations;
  }

  /** A session opened, or changed its key derivation. */
  noteSession(session: Session): void {
    this.#kdfIterations = session.kdfIterations;
  }

  /** Saves settings and applies the new auto-lock time. Throws VaultError('InvalidInput', field) for the form. */
  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const session = this.#host.session();
    const settings = await session.settings.update(patch);
    if (this.#host.current() === session) this.#host.settingsSaved(settings);
    return settings;
  }

  /**
   * Changes the signed-in person's password. Only the user key is wrapped again: no key record is re-encrypted.
   * Throws VaultError: WrongPassword for `current`, PasswordTooShort for `next`.
   */
  async changePassword(current: string, next: string): Promise<void> {
    const session = this.#host.session();
    await session.credentials.changePassword(current, next);
    if (this.#host.current() === session) this.noteSession(session);
  }

  /** Replaces the user key and re-wraps every data key under it; returns how many were re-wrapped. */
  async rotateUserKey(password: string): Promise<number> {
    const session = this.#host.session();
    const count = await session.credentials.rotateUserKey(password);
    // Other tabs hold the old user key: anything they wrapped under it now would be lost. They lock.
    this.#host.tabs?.announce({ type: 'rekeyed' });
    if (this.#host.current() === session) this.noteSession(session);
    return count;
  }
}
