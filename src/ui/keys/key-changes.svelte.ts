// Owns the changes made to the selected key from its page: its versions table, rotation, state changes, policy,
// version retention and destruction (the lifecycle), and who holds it (grants and revokes). After each change
// the list shows the saved key, what was shown of it is hidden, and the versions table is read again.

import {
  VaultError,
  type AccessEntry,
  type KeyId,
  type KeyState,
  type KeySummary,
  type KeyVersionInfo,
  type Permission,
  type PrincipalInfo,
  type RotationPolicy,
  type Session,
} from '../../vault';
import type { SelectionHost } from './key-material.svelte';

/** What a change needs of the key list: the selection, and what to do once a change is saved. */
export interface ChangeHost extends SelectionHost {
  /** Puts the saved key in the list, moves the clock on and tells the app a key changed. */
  saved(key: KeySummary): void;
  /** Hides what is revealed of the selected key: it may belong to a version now retired or destroyed. */
  hideShown(): void;
}

export class KeyChanges {
  readonly #session: Session;
  readonly #host: ChangeHost;
  #versions = $state.raw<{ readonly id: KeyId; readonly list: readonly KeyVersionInfo[] } | null>(null);

  constructor(options: { session: Session; host: ChangeHost }) {
    this.#session = options.session;
    this.#host = options.host;
  }

  /** The selected key's versions, newest first; null until loaded. */
  get versions(): readonly KeyVersionInfo[] | null {
    const versions = this.#versions;
    return versions !== null && versions.id === this.#host.selectedId() ? versions.list : null;
  }

  async loadVersions(): Promise<void> {
    const id = this.#host.selectedId();
    if (id === null) return;
    const list = await this.#session.keys.versions(id);
    if (this.#host.disposed() || this.#host.selectedId() !== id) return;
    this.#versions = { id, list };
  }

  forgetVersions(): void {
    this.#versions = null;
  }

  // ── lifecycle of the selected key ─────────────────────────────────────────

  /** A new version: generated when the key can make its own, otherwise from `value` (a secret or PEM/JWK text). */
  rotate(value?: string): Promise<KeySummary> {
    return this.#change((id) => this.#session.lifecycle.rotate(id, value === undefined ? {} : { value }));
  }

  changeState(to: KeyState, options: { reason?: string; value?: string } = {}): Promise<KeySummary> {
    return this.#change((id) => this.#session.lifecycle.setState(id, to, options));
  }

  setPolicy(policy: RotationPolicy): Promise<KeySummary> {
    return this.#change((id) => this.#session.lifecycle.setRotationPolicy(id, policy), false);
  }

  setOldestUsableVersion(version: number): Promise<KeySummary> {
    return this.#change((id) => this.#session.lifecycle.setOldestUsableVersion(id, version));
  }

  setKeepVersions(count: number): Promise<KeySummary> {
    return this.#change((id) => this.#session.lifecycle.setKeepVersions(id, count), false);
  }

  /** Destroys versions older than the last keepVersions; returns how many. */
  async trimVersions(): Promise<number> {
    const id = this.#requireSelected();
    const count = await this.#session.lifecycle.trimVersions(id);
    await this.#afterChange(await this.#session.keys.get(id), true);
    return count;
  }

  scheduleDestruction(days: number): Promise<KeySummary> {
    return this.#change((id) => this.#session.lifecycle.scheduleDestruction(id, days));
  }

  cancelDestruction(): Promise<KeySummary> {
    return this.#change((id) => this.#session.lifecycle.cancelDestruction(id), false);
  }

  // ── access (issue #6): who holds the selected key, grants and revokes ──

  /** Who holds the selected key and at what level (needs "manage" on it). */
  listAccess(): Promise<AccessEntry[]> {
    return this.#session.access.list(this.#requireSelected());
  }

  /** Everyone a key can be granted to. */
  principals(): Promise<PrincipalInfo[]> {
    return this.#session.directory.principals();
  }

  /** Grants the selected key to a user or group (replacing an earlier grant of theirs). */
  async grant(principalId: string, permission: Permission): Promise<void> {
    const id = this.#requireSelected();
    await this.#session.access.grant(id, principalId, permission);
    await this.#afterChange(await this.#session.keys.get(id), false);
  }

  /** Revokes a grant; by default the key is re-keyed and, where it can make its own material, rotated. */
  async revoke(principalId: string, options: { rotate: boolean }): Promise<{ rekeyed: boolean; rotated: boolean }> {
    const id = this.#requireSelected();
    const result = await this.#session.access.revoke(id, principalId, { rotate: options.rotate });
    await this.#afterChange(await this.#session.keys.get(id), true);
    return result;
  }

  async #change(op: (id: KeyId) => Promise<KeySummary>, hide = true): Promise<KeySummary> {
    const saved = await op(this.#requireSelected());
    await this.#afterChange(saved, hide);
    return saved;
  }

  async #afterChange(saved: KeySummary, hide: boolean): Promise<void> {
    if (this.#host.disposed()) return;
    this.#host.saved(saved);
    if (hide) this.#host.hideShown();
    // The change is saved; a failure to re-read the table leaves the old table, not an error about the change.
    await this.loadVersions().catch(() => undefined);
  }

  #requireSelected(): KeyId {
    const id = this.#host.selectedId();
    if (id === null) throw new VaultError('NotFound', 'no key is selected');
    return id;
  }
}
