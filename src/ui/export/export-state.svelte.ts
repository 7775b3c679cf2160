// Owns the state of the plaintext exports (issue #16): which keys a .env export takes (a tag, the keys the list shows,
// the selected key), the preview asked about before it runs, the KeePass export's password step, the file saved, and
// the errors. Nothing revealed is kept: the file's text or bytes go to the download and are dropped.

import { type DotenvFile, type ExportPreview, type ExportScope, type KdbxFile, type KeyId, type KeySummary, type Session } from '../../vault';
import { downloadFile, errorField } from '../shared';
import { exportErrorText } from './export-text';

export interface PlainExportDeps {
  preview(scope: ExportScope): Promise<ExportPreview>;
  dotenv(scope: ExportScope): Promise<DotenvFile>;
  kdbx(password: string): Promise<KdbxFile>;
  /** Saves a file the person asked for (a download). */
  save(filename: string, data: Uint8Array | string): void;
}

/** The exports of a session, saved as downloads. */
export function sessionExports(session: Session): PlainExportDeps {
  return {
    preview: (scope) => session.plainExport.preview(scope),
    dotenv: (scope) => session.plainExport.dotenv(scope),
    kdbx: (password) => session.plainExport.kdbx(password),
    // application/octet-stream: the browser only saves the file, never shows or opens it.
    save: (filename, data) => downloadFile(filename, typeof data === 'string' ? data : new Uint8Array(data), 'application/octet-stream'),
  };
}

/** Which keys a .env export takes. */
export type ScopeChoice = 'tag' | 'shown' | 'selected';

/** Every tag of these keys once (the first spelling met), sorted as people read them. */
export function tagsOf(keys: readonly KeySummary[]): string[] {
  const seen = new Map<string, string>();
  for (const key of keys) for (const tag of key.tags) if (!seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

/** The scope of a choice, or null when it names nothing (no tag chosen, an empty list, no key selected). */
export function scopeOf(choice: ScopeChoice, from: { tag: string; shown: readonly KeySummary[]; selected: KeySummary | null }): ExportScope | null {
  switch (choice) {
    case 'tag':
      return from.tag.trim() === '' ? null : { tag: from.tag };
    case 'shown':
      return from.shown.length === 0 ? null : { ids: from.shown.map((k): KeyId => k.id) };
    case 'selected':
      return from.selected === null ? null : { ids: [from.selected.id] };
  }
}

/** "Export .env": choose the keys, see how many go in (and which are left out), confirm, save. */
export class DotenvExportFlow {
  readonly #deps: PlainExportDeps;
  #scope: ExportScope | null = null;

  step = $state<'choose' | 'confirm'>('choose');
  busy = $state(false);
  error = $state('');
  preview = $state.raw<ExportPreview | null>(null);

  constructor(deps: PlainExportDeps) {
    this.#deps = deps;
  }

  /** Shows what the export of `scope` would hold, and asks. */
  async review(scope: ExportScope | null): Promise<void> {
    if (this.busy) return;
    this.error = '';
    if (scope === null) {
      this.error = 'Choose the keys to export first.';
      return;
    }
    this.busy = true;
    try {
      this.preview = await this.#deps.preview(scope);
      this.#scope = scope;
      this.step = 'confirm';
    } catch (error) {
      this.error = exportErrorText(error);
    } finally {
      this.busy = false;
    }
  }

  back(): void {
    if (this.busy) return;
    this.step = 'choose';
    this.error = '';
  }

  /** Writes and saves the file; returns what was exported (null when it failed: `error` says why). */
  async run(): Promise<DotenvFile | null> {
    const scope = this.#scope;
    if (this.busy || scope === null) return null;
    this.busy = true;
    this.error = '';
    try {
      const file = await this.#deps.dotenv(scope);
      this.#deps.save(file.filename, file.text);
      return { ...file, text: '' };
    } catch (error) {
      this.error = exportErrorText(error);
      return null;
    } finally {
      this.busy = false;
    }
  }
}

/** "Export KeePass database": a new password for the file (twice), then the file is written and saved. */
export class KdbxExportFlow {
  readonly #deps: PlainExportDeps;

  busy = $state(false);
  /** The form's error (not the password's). */
  error = $state('');
  /** The vault's refusal of the password (too short). */
  passwordError = $state('');
  /** What the file will hold (how many keys, which are left out and why); null until read, or when it could not be. */
  preview = $state.raw<ExportPreview | null>(null);

  constructor(deps: PlainExportDeps) {
    this.#deps = deps;
  }

  /** Reads what the file will hold, for the dialog to say before the password is typed. Never rejects. */
  async load(): Promise<void> {
    try {
      this.preview = await this.#deps.preview({ all: true });
    } catch (error) {
      this.error = exportErrorText(error);
    }
  }

  /** Returns what was exported (null when it failed: `error` or `passwordError` says why). */
  async run(password: string): Promise<KdbxFile | null> {
    if (this.busy) return null;
    this.busy = true;
    this.error = '';
    this.passwordError = '';
    try {
      const file = await this.#deps.kdbx(password);
      this.#deps.save(file.filename, file.bytes);
      return { ...file, bytes: new Uint8Array() };
    } catch (error) {
      if (errorField(error) === 'password') this.passwordError = exportErrorText(error);
      else this.error = exportErrorText(error);
      return null;
    } finally {
      this.busy = false;
    }
  }
}
