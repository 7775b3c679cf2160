// Owns the Audit screen's state: the filter controls, the debounced report (totals, per-day activity, one page of
// entries), paging, the log check on demand, exports and the signing key's fingerprint.

import {
  VaultError,
  type AuditArchive,
  type AuditArchivePlan,
  type AuditEntryView,
  type AuditFilter,
  type AuditReport,
  type ChainResult,
  type Session,
} from '../../vault';
import { EMPTY_CONTROLS, filterOf, type AuditControls } from './audit-filter';
import { errorMessage } from '../shared';

export type { AuditControls, OutcomeChoice } from './audit-filter';

export const AUDIT_PAGE_SIZE = 50;
/** Filter changes within this many ms make one report: each report reads every entry once. */
export const AUDIT_DEBOUNCE_MS = 150;

export type AuditResult = AuditReport & { page: AuditEntryView[] };

export class AuditState {
  readonly #session: Session;
  readonly #debounceMs: number;
  readonly #onChainResult: (result: ChainResult) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #seq = 0;
  #disposed = false;

  #controls = $state.raw<AuditControls>(EMPTY_CONTROLS);
  #page = $state(0);
  #result = $state.raw<AuditResult | null>(null);
  #loading = $state(false);
  #error = $state('');
  #dateError = $state.raw<{ field: 'from' | 'to'; message: string } | null>(null);
  /** Every actor seen in any report so far, for the "User" choices (people, "system", ids of people removed). */
  #actors = $state.raw<readonly string[]>([]);
  #fingerprint = $state('');
  #check = $state.raw<ChainResult | null>(null);
  #checking = $state(false);

  #pageCount = $derived(Math.max(1, Math.ceil((this.#result?.total ?? 0) / AUDIT_PAGE_SIZE)));

  constructor(options: { session: Session; debounceMs?: number; onChainResult?: (result: ChainResult) => void }) {
    this.#session = options.session;
    this.#debounceMs = options.debounceMs ?? AUDIT_DEBOUNCE_MS;
    this.#onChainResult = options.onChainResult ?? (() => undefined);
  }

  get controls(): AuditControls {
    return this.#controls;
  }
  /** The latest report; kept on screen (dimmed by "Loading…") while the next one is read. */
  get result(): AuditResult | null {
    return this.#result;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): string {
    return this.#error;
  }
  get dateError(): { field: 'from' | 'to'; message: string } | null {
    return this.#dateError;
  }
  /** 0-based. */
  get page(): number {
    return this.#page;
  }
  get pageCount(): number {
    return this.#pageCount;
  }
  get actors(): readonly string[] {
    return this.#actors;
  }
  /** "xxxx xxxx …" once read; '' before. */
  get fingerprint(): string {
    return this.#fingerprint;
  }
  /** The result of the last "Verify log" in this view, or null. */
  get check(): ChainResult | null {
    return this.#check;
  }
  get checking(): boolean {
    return this.#checking;
  }

  /** The filter the controls describe, or null while a date is wrong. */
  get filter(): AuditFilter | null {
    const f = filterOf(this.#controls);
    return f.ok ? f.filter : null;
  }

  /** The screen opened: first report, and the fingerprint (once). */
  open(): void {
    void this.load();
    if (this.#fingerprint === '') {
      this.#session.audit.fingerprint().then(
        (fp) => {
          if (!this.#disposed) this.#fingerprint = fp;
        },
        () => undefined,
      );
    }
  }

  /** A control changed: back to page 1, and a new report after a short pause (typing, arrowing through a select). */
  setControls(patch: Partial<AuditControls>): void {
    this.#controls = { ...this.#controls, ...patch };
    this.#page = 0;
    const f = filterOf(this.#controls);
    this.#dateError = f.ok ? null : { field: f.field, message: f.message };
    this.#clearTimer();
    if (!f.ok) {
      this.#loading = false;
      this.#seq++;
      return;
    }
    this.#loading = true;
    this.#timer = setTimeout(() => void this.load(), this.#debounceMs);
  }

  resetControls(): void {
    this.setControls(EMPTY_CONTROLS);
  }

  goToPage(page: number): void {
    const next = Math.min(Math.max(0, Math.floor(page)), this.#pageCount - 1);
    if (next === this.#page) return;
    this.#page = next;
    void this.load();
  }

  /** Reads the report now (the latest call wins). Never rejects: a failure shows as `error`. */
  async load(): Promise<void> {
    this.#clearTimer();
    const filter = this.filter;
    if (filter === null || this.#disposed) return;
    const seq = ++this.#seq;
    this.#loading = true;
    try {
      const result = await this.#session.audit.report(filter, { offset: this.#page * AUDIT_PAGE_SIZE, limit: AUDIT_PAGE_SIZE });
      if (this.#disposed || seq !== this.#seq) return;
      this.#result = result;
      this.#error = '';
      this.#noteActors(result);
      // The log shrank under us (a restore in another tab): stay on a page that exists.
      const last = Math.max(0, Math.ceil(result.total / AUDIT_PAGE_SIZE) - 1);
      if (this.#page > last) {
        this.#page = last;
        void this.load();
        return;
      }
    } catch (error) {
      if (this.#disposed || seq !== this.#seq) return;
      if (!(error instanceof VaultError && error.code === 'Locked')) this.#error = errorMessage(error);
    } finally {
      if (seq === this.#seq) this.#loading = false;
    }
  }

  /** "Verify log": checks the whole chain, records that it was checked, and reloads (the check is an entry too). */
  async verify(): Promise<ChainResult> {
    this.#checking = true;
    try {
      const result = await this.#session.audit.verifyNow();
      if (!this.#disposed) {
        this.#check = result;
        this.#onChainResult(result);
        void this.load();
      }
      return result;
    } finally {
      this.#checking = false;
    }
  }

  /** The matching entries as CSV or signed JSON; the export is an entry too, so the report reloads. */
  async exportAs(format: 'csv' | 'json'): Promise<{ filename: string; mime: string; text: string; count: number }> {
    const filter = this.filter;
    if (filter === null) throw new VaultError('InvalidInput', 'the date range is not valid', { field: 'range' });
    const out = await this.#session.audit.export(filter, format);
    if (!this.#disposed) void this.load();
    return out;
  }

  /** "Archive and trim", step 0: which entries a trim before `before` would take (null: none). Changes nothing. */
  archivePlan(before: number): Promise<AuditArchivePlan | null> {
    return this.#session.audit.archivePlan(before);
  }

  /** Step 1: the signed archive of those entries, for the page to save. Nothing is trimmed. */
  prepareArchive(before: number): Promise<AuditArchive> {
    return this.#session.audit.prepareArchive(before);
  }

  /** Step 2, after the archive was saved: trims exactly its entries; the last "Verify log" result is then stale. */
  async trimArchive(archive: AuditArchive): Promise<{ trimmed: number; throughSeq: number }> {
    const out = await this.#session.audit.trimArchive(archive);
    if (!this.#disposed) {
      this.#check = null;
      void this.load();
    }
    return out;
  }

  dispose(): void {
    this.#disposed = true;
    this.#clearTimer();
    this.#result = null;
  }

  #noteActors(result: AuditResult): void {
    const seen = new Set(this.#actors);
    let added = false;
    for (const m of result.matches) {
      if (!seen.has(m.actor)) {
        seen.add(m.actor);
        added = true;
      }
    }
    if (added) this.#actors = [...seen];
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
