// Owns the key list of the unlocked vault: the keys, search, sort and due view, the selection and the form mode,
// and saving and removing keys. What the key page shows of the selected key (KeyMaterial) and the changes made
// from it (KeyChanges) are parts of their own, reached as `material` and `changes`.

import {
  dueStatus,
  IncrementalSearch,
  sortKeys,
  systemClock,
  VaultError,
  type Clock,
  type KeyAlgorithm,
  type KeyId,
  type KeyInput,
  type KeySort,
  type KeySummary,
  type Session,
  type SortDirection,
  type TypedKeyInput,
} from '../../vault';
import type { ClipboardGuard } from '../shared';
import { KeyChanges } from './key-changes.svelte';
import { KeyMaterial } from './key-material.svelte';

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

export class KeysState {
  readonly #session: Session;
  readonly #clock: Clock;
  readonly #onChange: () => void;

  #keys = $state.raw<readonly KeySummary[]>([]);
  #loaded = $state(false);
  /** How many keys the vault left out of the list because their rows did not open or verify. */
  #unreadable = $state(0);
  #query = $state('');
  #sortBy = $state<KeySort>('name');
  #direction = $state<SortDirection>('asc');
  #view = $state<ListView>('all');
  /** The time due badges are computed at; moved on by tick() (every minute while unlocked). */
  #now = $state(0);
  #selectedId = $state<KeyId | null>(null);
  #mode = $state<PanelMode>('view');
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
    this.#clock = options.clock ?? systemClock;
    this.#now = this.#clock.now();
    const host = {
      selectedId: () => this.#selectedId,
      disposed: () => this.#disposed,
      saved: (key: KeySummary) => {
        this.#onChange();
        this.#replace(key);
        this.tick();
      },
      hideShown: () => this.material.hideAll(),
    };
    this.material = new KeyMaterial({ session: options.session, clipboard: options.clipboard, clipboardSeconds: options.clipboardSeconds, host });
    this.changes = new KeyChanges({ session: options.session, host });
  }

  /** What the page shows of the selected key: its revealed value or part, its public key, copies. */
  readonly material: KeyMaterial;
  /** Changes to the selected key: versions, lifecycle, access. */
  readonly changes: KeyChanges;

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
  get unreadable(): number {
    return this.#unreadable;
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
    this.#unreadable = this.#session.keys.unreadable().length;
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
    await this.changes.loadVersions().catch(() => undefined);
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
      this.material.hideAll();
      this.changes.forgetVersions();
    }
    this.#selectedId = id;
    this.#mode = 'view';
  }

  startCreate(): void {
    this.material.hideAll();
    this.#mode = 'create';
  }

  startEdit(): void {
    if (this.#selected === null) return;
    this.material.hide();
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
    if (this.#selectedId !== saved.id) this.changes.forgetVersions();
    this.#selectedId = saved.id;
    this.#mode = 'view';
    // A new value is a new version: the table must show it.
    await this.changes.loadVersions().catch(() => undefined);
    return saved;
  }

  /** Removes a destroyed key's record for good. */
  async remove(id: KeyId): Promise<void> {
    await this.#session.lifecycle.remove(id);
    if (this.#selectedId === id) {
      this.material.hideAll();
      this.#selectedId = null;
      this.changes.forgetVersions();
      this.#mode = 'view';
    }
    this.#keys = this.#keys.filter((key) => key.id !== id);
    this.#onChange();
  }

  /** Drops every value and timer; called on lock. */
  dispose(): void {
    this.#disposed = true;
    this.material.hideAll();
    this.#keys = [];
    this.changes.forgetVersions();
    this.#selectedId = null;
  }

  #replace(saved: KeySummary): void {
    this.#keys = this.#keys.map((key) => (key.id === saved.id ? saved : key));
  }

  #requireSelected(): KeyId {
    if (this.#selectedId === null) throw new VaultError('NotFound', 'no key is selected');
    return this.#selectedId;
  }
}
