// Owns the unlocked vault screen's state: the key list, search and sort, the selection, the form mode and the one revealed value.

import { searchKeys, sortKeys, type KeyId, type KeyInput, type KeySort, type KeySummary, type Session, type SortDirection } from '../vault';
import type { ClipboardGuard } from './clipboard.svelte';

/** A revealed value is hidden again after this long. */
export const REVEAL_SECONDS = 30;

export type { SortDirection };
export type PanelMode = 'view' | 'create' | 'edit';

export class KeysState {
  readonly #session: Session;
  readonly #clipboard: ClipboardGuard;
  readonly #clipboardSeconds: () => number;

  #keys = $state.raw<readonly KeySummary[]>([]);
  #loaded = $state(false);
  #query = $state('');
  #sortBy = $state<KeySort>('name');
  #direction = $state<SortDirection>('asc');
  #selectedId = $state<KeyId | null>(null);
  #mode = $state<PanelMode>('view');
  /** The only place a value lives outside the vault: shown on request, dropped on hide, timeout, selection change and lock. */
  #revealed = $state.raw<{ readonly id: KeyId; readonly value: string } | null>(null);
  #revealTimer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  #visible = $derived(sortKeys(searchKeys(this.#keys, this.#query), this.#sortBy, this.#direction));
  #selected = $derived(this.#keys.find((key) => key.id === this.#selectedId) ?? null);

  constructor(options: { session: Session; clipboard: ClipboardGuard; clipboardSeconds: () => number }) {
    this.#session = options.session;
    this.#clipboard = options.clipboard;
    this.#clipboardSeconds = options.clipboardSeconds;
  }

  get keys(): readonly KeySummary[] {
    return this.#keys;
  }
  /** The keys that match the search, in the chosen order. */
  get visible(): readonly KeySummary[] {
    return this.#visible;
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
  get selected(): KeySummary | null {
    return this.#selected;
  }
  get mode(): PanelMode {
    return this.#mode;
  }
  /** The revealed value of the selected key, or null while hidden. */
  get revealedValue(): string | null {
    const revealed = this.#revealed;
    return revealed !== null && revealed.id === this.#selectedId ? revealed.value : null;
  }

  async load(): Promise<void> {
    const keys = await this.#session.listKeys();
    if (this.#disposed) return;
    this.#keys = keys;
    this.#loaded = true;
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

  select(id: KeyId): void {
    if (id !== this.#selectedId) this.hide();
    this.#selectedId = id;
    this.#mode = 'view';
  }

  startCreate(): void {
    this.hide();
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

  /** Creates a key (mode 'create') or updates the selected one (mode 'edit'); throws VaultError for the form to show. */
  async save(input: KeyInput | Partial<KeyInput>): Promise<KeySummary> {
    let saved: KeySummary;
    if (this.#mode === 'edit' && this.#selectedId !== null) {
      saved = await this.#session.updateKey(this.#selectedId, input);
      this.#keys = this.#keys.map((key) => (key.id === saved.id ? saved : key));
    } else {
      saved = await this.#session.createKey(input as KeyInput);
      this.#keys = [...this.#keys, saved];
    }
    this.#selectedId = saved.id;
    this.#mode = 'view';
    return saved;
  }

  /** Shows the selected key's value for REVEAL_SECONDS. */
  async reveal(): Promise<void> {
    const id = this.#selectedId;
    if (id === null) return;
    const value = await this.#session.revealValue(id);
    if (this.#disposed || this.#selectedId !== id) return;
    this.#clearRevealTimer();
    this.#revealed = { id, value };
    this.#revealTimer = setTimeout(() => this.hide(), REVEAL_SECONDS * 1000);
  }

  hide(): void {
    this.#clearRevealTimer();
    this.#revealed = null;
  }

  /** Copies the selected key's value without putting it in the page. Rejects when the browser refuses. */
  async copy(): Promise<void> {
    const id = this.#selectedId;
    if (id === null) return;
    const value = await this.#session.revealValue(id);
    if (this.#disposed) return;
    await this.#clipboard.copy(id, value, this.#clipboardSeconds());
  }

  async remove(id: KeyId): Promise<void> {
    await this.#session.deleteKey(id);
    if (this.#selectedId === id) {
      this.hide();
      this.#selectedId = null;
      this.#mode = 'view';
    }
    this.#keys = this.#keys.filter((key) => key.id !== id);
  }

  /** Drops every value and timer; called on lock. */
  dispose(): void {
    this.#disposed = true;
    this.hide();
    this.#keys = [];
    this.#selectedId = null;
  }

  #clearRevealTimer(): void {
    if (this.#revealTimer !== undefined) clearTimeout(this.#revealTimer);
    this.#revealTimer = undefined;
  }
}
