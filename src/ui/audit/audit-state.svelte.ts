// Owns the Audit screen's state: the filter controls, the debounced report (totals, per-day activity, one page of
// entries) without the entries this visit's own reading wrote (own-reads.ts), paging, the names of people and groups
// (audit-names.ts), the log check on demand, exports and the signing key's fingerprint.

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
import { EMPTY_BOOK, nameBook, namesInDetails, NAMING_ACTIONS, type NameBook, type PrincipalKind } from './audit-names';
import { visiblePage, withoutOwnReading, type ReadingMark } from './own-reads';
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
  /** Since when this person's own reading of the log is left out of the figures (set when the screen opens). */
  #mark = $state.raw<ReadingMark | null>(null);
  /** How many matching entries the figures leave out: this visit's own checks and exports. */
  #hidden = $state(0);
  #book = $state.raw<NameBook>(EMPTY_BOOK);

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
  /** Entries matching the filter that this visit's own "Verify log" and exports wrote: logged, not counted. */
  get hiddenOwnReading(): number {
    return this.#hidden;
  }
  /** Names of people and groups this person may see, current and (from the log) removed. */
  get names(): NameBook {
    return this.#book;
  }

  /** The filter the controls describe, or null while a date is wrong. */
  get filter(): AuditFilter | null {
    const f = filterOf(this.#controls);
    return f.ok ? f.filter : null;
  }

  /**
   * The screen opened: from now on this person's own reading of the log is left out of the figures (it is still
   * logged); first report, the names, and the fingerprint (once).
   */
  open(): void {
    this.#mark = { actor: this.#session.user.id, since: Date.now() };
    this.#hidden = 0;
    void this.load();
    void this.#loadNames();
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

  /** "Count them": the figures count the own checks and exports made so far; later ones are left out again. */
  countOwnReading(): void {
    if (this.#mark !== null) this.#mark = { ...this.#mark, since: Date.now() };
    void this.load();
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
      const result = await this.#read(filter);
      if (this.#disposed || seq !== this.#seq) return;
      this.#result = result.result;
      this.#hidden = result.hidden;
      this.#error = '';
      this.#noteActors(result.result);
      // The log shrank under us (a restore in another tab): stay on a page that exists.
      const last = Math.max(0, Math.ceil(result.result.total / AUDIT_PAGE_SIZE) - 1);
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

  /**
   * One page of the report without this visit's own reading. Those entries are among the newest, so the page is read
   * a little wider than a page (by as many as were left out last time); read again only if more appeared meanwhile.
   */
  async #read(filter: AuditFilter): Promise<{ result: AuditResult; hidden: number }> {
    const mark = this.#mark;
    const offset = this.#page * AUDIT_PAGE_SIZE;
    let limit = Math.min(500, AUDIT_PAGE_SIZE + this.#hidden);
    let from = offset;
    let raw = await this.#session.audit.report(filter, { offset: from, limit });
    let span = visiblePage(raw.matches, mark, offset, AUDIT_PAGE_SIZE);
    if (span.seqs.length > 0 && (span.start < from || span.end > from + limit)) {
      from = span.start;
      limit = Math.min(500, span.end - span.start);
      raw = await this.#session.audit.report(filter, { offset: from, limit });
      span = visiblePage(raw.matches, mark, offset, AUDIT_PAGE_SIZE);
    }
    const wanted = new Set(span.seqs);
    const { report, hidden } = withoutOwnReading(raw, mark);
    return { result: { ...report, page: raw.page.filter((entry) => wanted.has(entry.seq)) }, hidden };
  }

  /** Names from the directory (what this role may list) and from the log's own user and group entries. */
  async #loadNames(): Promise<void> {
    const current: { id: string; name: string; kind: PrincipalKind }[] = [];
    const fromLog: { id: string; name: string; kind: PrincipalKind }[] = [];
    try {
      // Every role that reads the log may list principals (users.manage, which an auditor lacks, is not asked for:
      // a refusal would be logged as access.denied).
      for (const p of await this.#session.directory.principals()) current.push({ id: p.id, name: p.name, kind: p.kind });
    } catch {
      // Names then come from the log and the sign-in list only.
    }
    try {
      const named = await this.#session.audit.report({ actions: NAMING_ACTIONS }, { limit: 500 });
      // Newest first: the oldest name goes in first, so the newest wins.
      for (const entry of [...named.page].reverse()) fromLog.push(...namesInDetails(entry.action, entry.details));
    } catch {
      // A short id stands in.
    }
    if (!this.#disposed) this.#book = nameBook({ current, fromLog });
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
