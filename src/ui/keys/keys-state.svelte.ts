// Owns the unlocked vault screen's state: the key list, search, sort and due view, the selection and its versions,
// the form mode, and the one revealed value (a secret's value, or a typed key's private or secret part).

import {
  dueStatus,
  IncrementalSearch,
  sortKeys,
  systemClock,
  VaultError,
  type AccessEntry,
  type Clock,
  type ExportFormat,
  type KeyAlgorithm,
  type KeyId,
  type KeyInput,
  type KeySort,
  type KeyState,
  type KeySummary,
  type KeyVersionInfo,
  type Permission,
  type PrincipalInfo,
  type RotationPolicy,
  type Session,
  type SortDirection,
  type TypedKeyInput,
} from '../../vault';
import type { ClipboardGuard } from '../shared';

/** A revealed value is hidden again after this long. */
export const REVEAL_SECONDS = 30;

export type { SortDirection };
export type PanelMode = 'view' | 'create' | 'edit';
/** 'due': only keys overdue or due soon for rotation, soonest first. */
export type ListView = 'all' | 'due';

/** What the key form asks for: a new secret, a new typed key (generated or imported), or an edit of the selected key. */
export type SaveRequest =
  | { readonly kind: 'secret'; readonly input: KeyInput }
  | { readonly kind: 'generate'; readonly input: TypedKeyInput & { algorithm: KeyAlgorithm } }
  | { readonly kind: 'import'; readonly input: TypedKeyInput & { algorithm: KeyAlgorithm; text: string } }
  | { readonly kind: 'edit'; readonly patch: Partial<KeyInput> };

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

export class KeysState {
  readonly #session: Session;
  readonly #clipboard: ClipboardGuard;
  readonly #clipboardSeconds: () => number;
  readonly #clock: Clock;
  readonly #onChange: () => void;

  #keys = $state.raw<readonly KeySummary[]>([]);
  #loaded = $state(false);
  #query = $state('');
  #sortBy = $state<KeySort>('name');
  #direction = $state<SortDirection>('asc');
  #view = $state<ListView>('all');
  /** The time due badges are computed at; moved on by tick() (every minute while unlocked). */
  #now = $state(0);
  #selectedId = $state<KeyId | null>(null);
  #mode = $state<PanelMode>('view');
  #versions = $state.raw<{ readonly id: KeyId; readonly list: readonly KeyVersionInfo[] } | null>(null);
  /** The only place a secret lives outside the vault: shown on request, dropped on hide, timeout, selection change and lock. */
  #revealed = $state.raw<Revealed | null>(null);
  #publicExport = $state.raw<PublicExport | null>(null);
  #revealTimer: ReturnType<typeof setTimeout> | undefined;
  #loadSeq = 0;
  #firstLoadDone: () => void = () => undefined;
  readonly #firstLoad = new Promise<void>((resolve) => (this.#firstLoadDone = resolve));
  #disposed = false;

  /** Remembers the last answer, so typing on filters the previous matches instead of every key. */
  readonly #search = new IncrementalSearch();
  /**
   * Sorted once per change of the keys or the order; a keystroke only filters this (filtering keeps the
   * order), instead of searching and then sorting again with the collator (issue #7: ≤ 16 ms).
   */
  #sorted = $derived(sortKeys(this.#keys, this.#sortBy, this.#direction));
  #matching = $derived(this.#search.run(this.#sorted, this.#query));
  #due = $derived(
    this.#matching
      .filter((key) => {
        const status = dueStatus(key.nextRotationAt, this.#now);
        return status === 'overdue' || status === 'due-soon';
      })
      .sort((a, b) => (a.nextRotationAt ?? 0) - (b.nextRotationAt ?? 0) || a.name.localeCompare(b.name)),
  );
  #visible = $derived(this.#view === 'due' ? this.#due : this.#matching);
  #selected = $derived(this.#keys.find((key) => key.id === this.#selectedId) ?? null);

  /** `onChange` is called after every change this state makes to a key (not after reveals or copies). */
  constructor(options: { session: Session; clipboard: ClipboardGuard; clipboardSeconds: () => number; clock?: Clock; onChange?: () => void }) {
    this.#session = options.session;
    this.#onChange = options.onChange ?? (() => undefined);
    this.#clipboard = options.clipboard;
    this.#clipboardSeconds = options.clipboardSeconds;
    this.#clock = options.clock ?? systemClock;
    this.#now = this.#clock.now();
  }

  get keys(): readonly KeySummary[] {
    return this.#keys;
  }
  /** The keys that match the search, in the chosen order (or by due date in the due view). */
  get visible(): readonly KeySummary[] {
    return this.#visible;
  }
  /** Keys overdue or due soon for rotation that match the search, soonest first. */
  get due(): readonly KeySummary[] {
    return this.#due;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get query(): string {
    return this.#query;
  }
  get sortBy(): KeySort {
    return this.#sortBy;
  }
  get direction(): SortDirection {
    return this.#direction;
  }
  get view(): ListView {
    return this.#view;
  }
  get now(): number {
    return this.#now;
  }
  get selected(): KeySummary | null {
    return this.#selected;
  }
  get mode(): PanelMode {
    return this.#mode;
  }
  /** The selected key's versions, newest first; null until loaded. */
  get versions(): readonly KeyVersionInfo[] | null {
    const versions = this.#versions;
    return versions !== null && versions.id === this.#selectedId ? versions.list : null;
  }
  /** What is revealed of the selected key, or null while hidden. */
  get revealed(): Revealed | null {
    const revealed = this.#revealed;
    return revealed !== null && revealed.id === this.#selectedId ? revealed : null;
  }
  /** The revealed current value of the selected secret, or null. */
  get revealedValue(): string | null {
    const revealed = this.revealed;
    return revealed !== null && revealed.what === 'value' && revealed.version === null ? revealed.text : null;
  }
  /** The selected key's exported public key, or null. */
  get publicExport(): PublicExport | null {
    const exported = this.#publicExport;
    return exported !== null && exported.id === this.#selectedId ? exported : null;
  }

  /** Resolves when the list has been loaded once (never rejects; a failed first load leaves it pending until one succeeds). */
  whenLoaded(): Promise<void> {
    return this.#firstLoad;
  }

  /** Reads the list again; a later load wins over an earlier one still running. */
  async load(): Promise<void> {
    const seq = ++this.#loadSeq;
    const keys = await this.#session.keys.list();
    if (this.#disposed || seq !== this.#loadSeq) return;
    this.#keys = keys;
    this.#loaded = true;
    this.#firstLoadDone();
    // When the page is idle after the list is painted: fold the keys' text for search, so the first
    // keystroke only filters.
    const warm = () => {
      if (!this.#disposed && this.#keys === keys) IncrementalSearch.warm(keys);
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(warm, { timeout: 2000 });
    else setTimeout(warm, 200);
  }

  /** After work done behind the person's back (due work): the list, the clock and the selected key's versions. */
  async refresh(): Promise<void> {
    this.tick();
    await this.load();
    if (this.#selectedId !== null && !this.#keys.some((key) => key.id === this.#selectedId)) this.#selectedId = null;
    await this.loadVersions().catch(() => undefined);
  }

  /** Moves the time used for due badges to now. */
  tick(): void {
    this.#now = this.#clock.now();
  }

  setQuery(query: string): void {
    this.#query = query;
  }

  setSort(by: KeySort): void {
    this.#sortBy = by;
  }

  setDirection(direction: SortDirection): void {
    this.#direction = direction;
  }

  setView(view: ListView): void {
    this.tick();
    this.#view = view;
  }

  select(id: KeyId): void {
    if (id !== this.#selectedId) {
      this.hide();
      this.hidePublic();
      this.#versions = null;
    }
    this.#selectedId = id;
    this.#mode = 'view';
  }

  startCreate(): void {
    this.hide();
    this.hidePublic();
    this.#mode = 'create';
  }

  startEdit(): void {
    if (this.#selected === null) return;
    this.hide();
    this.#mode = 'edit';
  }

  cancelForm(): void {
    this.#mode = 'view';
  }

  /** Creates a key (secret, generated or imported typed key) or edits the selected one; throws VaultError for the form. */
  async save(request: SaveRequest): Promise<KeySummary> {
    let saved: KeySummary;
    if (request.kind === 'edit') {
      const id = this.#requireSelected();
      saved = await this.#session.keys.update(id, request.patch);
      this.#replace(saved);
    } else {
      saved =
        request.kind === 'secret'
          ? await this.#session.keys.create(request.input)
          : request.kind === 'generate'
            ? await this.#session.keys.generate(request.input)
            : await this.#session.keys.import(request.input);
      this.#keys = [...this.#keys, saved];
    }
    this.#onChange();
    if (this.#selectedId !== saved.id) this.#versions = null;
    this.#selectedId = saved.id;
    this.#mode = 'view';
    // A new value is a new version: the table must show it.
    await this.loadVersions().catch(() => undefined);
    return saved;
  }

  async loadVersions(): Promise<void> {
    const id = this.#selectedId;
    if (id === null) return;
    const list = await this.#session.keys.versions(id);
    if (this.#disposed || this.#selectedId !== id) return;
    this.#versions = { id, list };
  }

  /** Shows the selected secret's value (the current one, or an older usable `version`) for REVEAL_SECONDS. */
  async reveal(version?: number): Promise<void> {
    const id = this.#selectedId;
    if (id === null) return;
    const text = await this.#session.keys.reveal(id, version);
    this.#show(id, { id, what: 'value', version: version ?? null, format: null, text });
  }

  /** Shows the selected typed key's private part (pairs) or secret part (symmetric keys) for REVEAL_SECONDS. */
  async revealPart(part: 'private' | 'secret', format: ExportFormat, version?: number): Promise<void> {
    const id = this.#selectedId;
    if (id === null) return;
    const text = await this.#session.keys.export(id, { part, format, ...(version === undefined ? {} : { version }) });
    this.#show(id, { id, what: part, version: version ?? null, format, text });
  }

  hide(): void {
    this.#clearRevealTimer();
    this.#revealed = null;
  }

  /** Copies the selected key's value without putting it in the page. Rejects when the browser refuses. */
  async copy(): Promise<void> {
    const id = this.#selectedId;
    if (id === null) return;
    // 'copy': the audit log tells a copy from a reveal.
    const value = await this.#session.keys.reveal(id, undefined, 'copy');
    if (this.#disposed) return;
    await this.#clipboard.copy(id, value, this.#clipboardSeconds());
  }

  /** Copies a typed key's private or secret part without putting it in the page. */
  async copyPart(part: 'private' | 'secret', format: ExportFormat, version?: number): Promise<void> {
    const id = this.#selectedId;
    if (id === null) return;
    const text = await this.#session.keys.export(id, { part, format, purpose: 'copy', ...(version === undefined ? {} : { version }) });
    if (this.#disposed) return;
    await this.#clipboard.copy(id, text, this.#clipboardSeconds());
  }

  /** Exports the selected key pair's public key (of the current or an older usable version). */
  async exportPublic(format: ExportFormat, version?: number): Promise<void> {
    const id = this.#selectedId;
    if (id === null) return;
    const text = await this.#session.keys.export(id, { part: 'public', format, ...(version === undefined ? {} : { version }) });
    if (this.#disposed || this.#selectedId !== id) return;
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

  /** Removes a destroyed key's record for good. */
  async remove(id: KeyId): Promise<void> {
    await this.#session.lifecycle.remove(id);
    if (this.#selectedId === id) {
      this.hide();
      this.hidePublic();
      this.#selectedId = null;
      this.#versions = null;
      this.#mode = 'view';
    }
    this.#keys = this.#keys.filter((key) => key.id !== id);
    this.#onChange();
  }

  /** Drops every value and timer; called on lock. */
  dispose(): void {
    this.#disposed = true;
    this.hide();
    this.hidePublic();
    this.#keys = [];
    this.#versions = null;
    this.#selectedId = null;
  }

  async #change(op: (id: KeyId) => Promise<KeySummary>, hide = true): Promise<KeySummary> {
    const saved = await op(this.#requireSelected());
    await this.#afterChange(saved, hide);
    return saved;
  }

  async #afterChange(saved: KeySummary, hide: boolean): Promise<void> {
    if (this.#disposed) return;
    this.#onChange();
    this.#replace(saved);
    this.tick();
    // What was shown may belong to a version that is now retired, replaced or destroyed.
    if (hide) {
      this.hide();
      this.hidePublic();
    }
    // The change is saved; a failure to re-read the table leaves the old table, not an error about the change.
    await this.loadVersions().catch(() => undefined);
  }

  #show(id: KeyId, revealed: Revealed): void {
    if (this.#disposed || this.#selectedId !== id) return;
    this.#clearRevealTimer();
    this.#revealed = revealed;
    this.#revealTimer = setTimeout(() => this.hide(), REVEAL_SECONDS * 1000);
  }

  #replace(saved: KeySummary): void {
    this.#keys = this.#keys.map((key) => (key.id === saved.id ? saved : key));
  }

  #requireSelected(): KeyId {
    if (this.#selectedId === null) throw new VaultError('NotFound', 'no key is selected');
    return this.#selectedId;
  }

  #clearRevealTimer(): void {
    if (this.#revealTimer !== undefined) clearTimeout(this.#revealTimer);
    this.#revealTimer = undefined;
  }
}
