// Owns what this tab does with another tab's messages: lock with it, follow its activity, show what it changed
// (keys, settings, the log), and notice a vault it created or restored while this tab was locked.

import type { Session, Settings, TabMessage, UserId, Vault } from '../../vault';
import type { AuditState } from '../audit';
import type { KeysState } from '../keys';
import type { Activity } from './activity';

export interface TabHost {
  session(): Session | null;
  vault(): Vault | null;
  /** Whether this tab shows a locked screen another tab's vault could change (unlock, create, removed). */
  showsLockedScreen(): boolean;
  lock(reason: 'other-tab' | 'rekeyed'): void;
  keys(): KeysState | null;
  audit(): AuditState | null;
  settings(): Settings | null;
  /** Settings changed in another tab; `timeout` when the auto-lock time changed. */
  settingsChanged(settings: Settings, timeout: boolean): void;
  refreshBackupStatus(): Promise<void>;
  /** Another tab made a vault exist here: the unlock screen, with these people. */
  vaultAppeared(users: readonly { id: UserId; name: string }[]): void;
  activity: Activity;
}

export class TabLink {
  readonly #host: TabHost;

  constructor(host: TabHost) {
    this.#host = host;
  }

  /** A message from another tab of this origin (tabs.ts checked its shape). */
  receive(message: TabMessage): void {
    const host = this.#host;
    switch (message.type) {
      case 'lock':
        if (host.session() !== null) host.lock('other-tab');
        return;
      case 'rekeyed':
        if (host.session() !== null) host.lock('rekeyed');
        else void this.refreshLocked();
        return;
      case 'activity':
        host.activity.heard();
        return;
      case 'changed':
        void this.#reloadChanged(message.stores);
        return;
    }
  }

  /** Locked or first run: another tab may have created or restored a vault here. Never rejects. */
  async refreshLocked(): Promise<void> {
    const host = this.#host;
    const vault = host.vault();
    if (vault === null || host.session() !== null || !host.showsLockedScreen()) return;
    try {
      if (await vault.exists()) host.vaultAppeared(await vault.users());
    } catch {
      // The unlock attempt will report the storage problem.
    }
  }

  /** Another tab committed a write: show it here. Never rejects. */
  async #reloadChanged(stores: readonly string[]): Promise<void> {
    const host = this.#host;
    const session = host.session();
    if (session === null) {
      await this.refreshLocked();
      return;
    }
    // After a user-key rotation or a restore elsewhere this read may fail (this tab's user key is stale): "rekeyed"
    // follows and locks; until then the list shown stays as it was.
    try {
      // Keys, their versions, who holds them (grants) and through which groups (groups, members).
      if (stores.some((s) => s === 'keys' || s === 'versions' || s === 'grants' || s === 'groups' || s === 'members')) {
        session.forgetCached();
        await host.keys()?.refresh();
      }
      if (host.session() !== session) return;
      // Settings changed in another tab (auto-lock, clipboard time) apply here at once, not at the next unlock.
      if (stores.includes('meta')) {
        const settings = await session.settings.reload();
        if (host.session() !== session) return;
        const before = host.settings();
        const timeout = settings.autoLockMinutes !== before?.autoLockMinutes;
        if (timeout || settings.clipboardClearSeconds !== before?.clipboardClearSeconds) host.settingsChanged(settings, timeout);
      }
      if (stores.includes('audit')) await host.audit()?.load();
      await host.refreshBackupStatus();
    } catch {
      // Locked meanwhile, or a read failed: the next action here shows its own error.
    }
  }
}
