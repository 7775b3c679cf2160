// Owns the one secret the key page may show: a secret's value (of a version) or a typed key's private or secret
// part, hidden again after REVEAL_SECONDS, and the exported public key; plus copies that never put a value in
// the page. Everything here belongs to the selected key and is dropped when the selection changes or the vault locks.

import type { ExportFormat, KeyId, Session } from '../../vault';
import type { ClipboardGuard } from '../shared';

/** A revealed value is hidden again after this long. */
export const REVEAL_SECONDS = 30;

/** A secret shown on request: a secret's value (of a version), or a typed key's private or secret part. */
export interface Revealed {
  readonly id: KeyId;
  readonly what: 'value' | 'private' | 'secret';
  /** null: the current version. */
  readonly version: number | null;
  /** The export format of a private or secret part; null for a value. */
  readonly format: ExportFormat | null;
  readonly text: string;
}

/** A public key shown on request. Not secret, but dropped with the selection all the same. */
export interface PublicExport {
  readonly id: KeyId;
  readonly version: number | null;
  readonly format: ExportFormat;
  readonly text: string;
}

/** What the material needs of the key list: which key is selected, and whether the vault has locked. */
export interface SelectionHost {
  selectedId(): KeyId | null;
  disposed(): boolean;
}

export class KeyMaterial {
  readonly #session: Session;
  readonly #clipboard: ClipboardGuard;
  readonly #clipboardSeconds: () => number;
  readonly #host: SelectionHost;
  /** The only place a secret lives outside the vault: shown on request, dropped on hide, timeout, selection change and lock. */
  #revealed = $state.raw<Revealed | null>(null);
  #publicExport = $state.raw<PublicExport | null>(null);
  #revealTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: { session: Session; clipboard: ClipboardGuard; clipboardSeconds: () => number; host: SelectionHost }) {
    this.#session = options.session;
    this.#clipboard = options.clipboard;
    this.#clipboardSeconds = options.clipboardSeconds;
    this.#host = options.host;
  }

  /** What is revealed of the selected key, or null while hidden. */
  get revealed(): Revealed | null {
    const revealed = this.#revealed;
    return revealed !== null && revealed.id === this.#host.selectedId() ? revealed : null;
  }
  /** The revealed current value of the selected secret, or null. */
  get revealedValue(): string | null {
    const revealed = this.revealed;
    return revealed !== null && revealed.what === 'value' && revealed.version === null ? revealed.text : null;
  }
  /** The selected key's exported public key, or null. */
  get publicExport(): PublicExport | null {
    const exported = this.#publicExport;
    return exported !== null && exported.id === this.#host.selectedId() ? exported : null;
  }

  /** Shows the selected secret's value (the current one, or an older usable `version`) for REVEAL_SECONDS. */
  async reveal(version?: number): Promise<void> {
    const id = this.#host.selectedId();
    if (id === null) return;
    const text = await this.#session.keys.reveal(id, version);
    this.#show(id, { id, what: 'value', version: version ?? null, format: null, text });
  }

  /** Shows the selected typed key's private part (pairs) or secret part (symmetric keys) for REVEAL_SECONDS. */
  async revealPart(part: 'private' | 'secret', format: ExportFormat, version?: number): Promise<void> {
    const id = this.#host.selectedId();
    if (id === null) return;
    const text = await this.#session.keys.export(id, { part, format, ...(version === undefined ? {} : { version }) });
    this.#show(id, { id, what: part, version: version ?? null, format, text });
  }

  hide(): void {
    if (this.#revealTimer !== undefined) clearTimeout(this.#revealTimer);
    this.#revealTimer = undefined;
    this.#revealed = null;
  }

  /** Copies the selected key's value without putting it in the page. Rejects when the browser refuses. */
  async copy(): Promise<void> {
    const id = this.#host.selectedId();
    if (id === null) return;
    // 'copy': the audit log tells a copy from a reveal.
    const value = await this.#session.keys.reveal(id, undefined, 'copy');
    if (this.#host.disposed()) return;
    await this.#clipboard.copy(id, value, this.#clipboardSeconds());
  }

  /** Copies a typed key's private or secret part without putting it in the page. */
  async copyPart(part: 'private' | 'secret', format: ExportFormat, version?: number): Promise<void> {
    const id = this.#host.selectedId();
    if (id === null) return;
    const text = await this.#session.keys.export(id, { part, format, purpose: 'copy', ...(version === undefined ? {} : { version }) });
    if (this.#host.disposed()) return;
    await this.#clipboard.copy(id, text, this.#clipboardSeconds());
  }

  /** Exports the selected key pair's public key (of the current or an older usable version). */
  async exportPublic(format: ExportFormat, version?: number): Promise<void> {
    const id = this.#host.selectedId();
    if (id === null) return;
    const text = await this.#session.keys.export(id, { part: 'public', format, ...(version === undefined ? {} : { version }) });
    if (this.#host.disposed() || this.#host.selectedId() !== id) return;
    this.#publicExport = { id, version: version ?? null, format, text };
  }

  hidePublic(): void {
    this.#publicExport = null;
  }

  /** Copies the exported public key shown on the page. */
  async copyPublic(): Promise<void> {
    const exported = this.publicExport;
    if (exported === null) return;
    await this.#clipboard.copy(exported.id, exported.text, this.#clipboardSeconds());
  }

  /** Drops both: on a selection change, a change to the key, and lock. */
  hideAll(): void {
    this.hide();
    this.hidePublic();
  }

  #show(id: KeyId, revealed: Revealed): void {
    if (this.#host.disposed() || this.#host.selectedId() !== id) return;
    this.hide();
    this.#revealed = revealed;
    this.#revealTimer = setTimeout(() => this.hide(), REVEAL_SECONDS * 1000);
  }
}
