// Owns the import flow (issue #16): the chosen file, its password when it needs one, the plan and the keys already
// here by name, the person's choice for each of those, the progress of the one transaction, and the errors.

import { InteropError, MAX_IMPORT_BYTES, tooLarge, type CsvMapping, type ImportFormat, type ReadResult } from '../../interop';
import { planImport, type ImportDuplicate, type ImportOptions, type ImportPlan, type ImportReplacement, type KeySummary, type PlannedKey } from '../../vault';
import { errorMessage } from '../shared';

export interface ImportDeps {
  /** Reads another manager's file (format detected from its content and name). */
  read(bytes: Uint8Array, options: { fileName: string; password?: string; mapping?: CsvMapping }): Promise<ReadResult>;
  duplicates(keys: readonly PlannedKey[]): Promise<ImportDuplicate[]>;
  importKeys(format: ImportFormat, keys: readonly PlannedKey[], options: ImportOptions): Promise<KeySummary[]>;
}

/** For a planned key whose name is already here: leave it out, add it beside the one here, or make its value the next version of the one here. */
export type DuplicateChoice = 'skip' | 'keep' | 'replace';

export class ImportFlow {
  readonly #deps: ImportDeps;
  #file: { name: string; bytes: Uint8Array } | null = null;

  busy = $state<'' | 'read' | 'import'>('');
  needsPassword = $state(false);
  error = $state('');
  errorField = $state<'' | 'file' | 'password'>('');
  plan = $state.raw<ImportPlan | null>(null);
  /** One row per planned key that has a namesake here (the first one found). */
  duplicates = $state.raw<ImportDuplicate[]>([]);
  choices = $state<Record<number, DuplicateChoice>>({});
  progress = $state.raw<{ done: number; total: number } | null>(null);
  /** For a CSV of no known manager: its columns and which one holds what (the person may change it). */
  columns = $state.raw<ReadResult['columns'] | null>(null);
  #password: string | undefined;

  constructor(deps: ImportDeps) {
    this.#deps = deps;
  }

  get fileName(): string {
    return this.#file?.name ?? '';
  }

  /** The planned keys made as new keys: all but the duplicates the person chose to skip or to replace. */
  get chosen(): PlannedKey[] {
    const plan = this.plan;
    if (plan === null) return [];
    const leave = new Set(this.duplicates.filter((d) => this.choices[d.index] !== 'keep').map((d) => d.index));
    return plan.keys.filter((_, i) => !leave.has(i));
  }

  /** The keys here that take a value from the file as their next version. */
  get replacements(): ImportReplacement[] {
    const plan = this.plan;
    if (plan === null) return [];
    return this.duplicates.filter((d) => this.choices[d.index] === 'replace').map((d) => ({ keyId: d.keyId, value: plan.keys[d.index]!.value }));
  }

  /** How many keys the import writes: new ones and replaced ones. */
  get writeCount(): number {
    return this.chosen.length + this.replacements.length;
  }

  /** A file was chosen: read it (it may ask for a password first). */
  async choose(file: File | null): Promise<void> {
    this.#reset();
    this.#file = null;
    if (file === null) return;
    if (file.size > MAX_IMPORT_BYTES) {
      this.#fail('file', `${tooLarge().message} Nothing was imported.`);
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch {
      this.#fail('file', 'This file could not be read. Choose it again.');
      return;
    }
    this.#file = { name: file.name, bytes };
    await this.open();
  }

  /** Reads the chosen file, with `password` when it needs one; builds the plan and finds the duplicates. */
  async open(password?: string, mapping?: CsvMapping): Promise<void> {
    const file = this.#file;
    if (file === null || this.busy !== '') return;
    this.error = '';
    this.errorField = '';
    this.busy = 'read';
    try {
      const result = await this.#deps.read(file.bytes, { fileName: file.name, ...(password === undefined ? {} : { password }), ...(mapping === undefined ? {} : { mapping }) });
      const plan = planImport(result);
      this.#password = password;
      this.columns = result.columns ?? null;
      const found = await this.#deps.duplicates(plan.keys);
      // The first namesake of each planned key (one pass: re-importing a large file finds thousands of them).
      const byIndex = new Map<number, ImportDuplicate>();
      for (const d of found) if (!byIndex.has(d.index)) byIndex.set(d.index, d);
      const first = [...byIndex.values()];
      this.needsPassword = false;
      this.plan = plan;
      this.duplicates = first;
      // A key with the same name and value is most likely already here: skip it unless the person says otherwise.
      this.choices = Object.fromEntries(first.map((d) => [d.index, d.sameValue ? 'skip' : 'keep']));
    } catch (error) {
      if (mapping !== undefined && this.columns != null) {
        // A column choice the file cannot be read with: nothing to import until the person picks again.
        this.plan = null;
        this.duplicates = [];
        this.columns = { headers: this.columns.headers, mapping };
      }
      if (error instanceof InteropError && error.code === 'PasswordNeeded') {
        this.needsPassword = true;
      } else if (error instanceof InteropError && error.code === 'WrongPassword') {
        this.needsPassword = true;
        this.#fail('password', 'That password does not open this file. Nothing was imported.');
      } else {
        this.#fail('file', error instanceof InteropError ? `${error.message} Nothing was imported.` : errorMessage(error));
      }
    } finally {
      this.busy = '';
    }
  }

  /** The person says which column of a CSV holds what (-1: none): the file is read again with that choice. */
  async setColumn(field: keyof CsvMapping, column: number): Promise<void> {
    if (this.columns == null) return;
    const mapping: CsvMapping = { ...this.columns.mapping };
    if (column < 0) delete mapping[field];
    else mapping[field] = column;
    await this.open(this.#password, mapping);
  }

  setChoice(index: number, choice: DuplicateChoice): void {
    this.choices = { ...this.choices, [index]: choice };
  }

  /** Imports the chosen keys in one transaction; returns how many were imported (0 when refused). */
  async run(): Promise<number> {
    const plan = this.plan;
    const keys = this.chosen;
    const replace = this.replacements;
    if (plan === null || keys.length + replace.length === 0 || this.busy !== '') return 0;
    this.busy = 'import';
    this.error = '';
    this.progress = { done: 0, total: keys.length + replace.length };
    try {
      const made = await this.#deps.importKeys(plan.format, keys, { replace, onProgress: (done, total) => (this.progress = { done, total }) });
      return made.length;
    } catch (error) {
      this.#fail('', `Nothing was imported: ${errorMessage(error)}`);
      return 0;
    } finally {
      this.busy = '';
      this.progress = null;
    }
  }

  #reset(): void {
    this.needsPassword = false;
    this.error = '';
    this.errorField = '';
    this.plan = null;
    this.duplicates = [];
    this.choices = {};
    this.columns = null;
    this.#password = undefined;
  }

  #fail(field: '' | 'file' | 'password', message: string): void {
    this.error = message;
    this.errorField = field;
  }
}
