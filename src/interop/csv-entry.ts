// Owns what every CSV importer shares when a row becomes an entry (issue #16): reading a cell by its column's
// header, the host of a URL, a folder path written with backslashes, and naming an untitled entry (from its URL's
// host, then its username, then "Entry N").
import type { EntryField, ImportEntry } from './model';
import { schemeHost } from './url-host';

/** A header row: each column's name lower-cased, and where it first appears. */
export class CsvHeader {
  readonly names: string[];
  private readonly index = new Map<string, number>();

  constructor(readonly original: string[]) {
    this.names = original.map((h) => h.trim().toLowerCase());
    this.names.forEach((name, i) => {
      if (!this.index.has(name)) this.index.set(name, i);
    });
  }

  has(...names: string[]): boolean {
    return names.every((n) => this.index.has(n));
  }

  at(name: string): number | undefined {
    return this.index.get(name);
  }

  /** Whether the columns are exactly these (in any order). */
  isExactly(names: string[]): boolean {
    return this.names.length === names.length && this.has(...names);
  }
}

/** One data row read through its header: `get('url')` is that column's cell, '' when the row is short. */
export class CsvRow {
  constructor(
    readonly header: CsvHeader,
    readonly cells: string[],
  ) {}

  /** The first non-empty cell among these columns (by lower-case header name). */
  get(...names: string[]): string {
    for (const name of names) {
      const i = this.header.at(name);
      const cell = i === undefined ? undefined : this.cells[i];
      if (cell !== undefined && cell !== '') return cell;
    }
    return '';
  }

  cell(index: number | undefined): string {
    return index === undefined ? '' : (this.cells[index] ?? '');
  }
}

/** A folder path as the model writes it: parts joined with '/', backslashes as separators, no empty parts. */
export function groupPath(path: string, separator: '/' | '\\' = '/'): string {
  return path
    .split(separator === '\\' ? /[\\/]/ : '/')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .join('/');
}

export interface EntryParts {
  name?: string;
  value?: string;
  username?: string;
  url?: string;
  notes?: string;
  totp?: string;
  group?: string;
  fields?: EntryField[];
}

/** A complete entry; an untitled one is named from its URL's host, then its username, then "Entry <position>". */
export function makeEntry(parts: EntryParts, position: number): ImportEntry {
  const url = (parts.url ?? '').trim();
  const username = parts.username ?? '';
  const name = (parts.name ?? '').trim() || schemeHost(url) || url || username.trim() || `Entry ${position}`;
  return {
    name,
    value: parts.value ?? '',
    username,
    url,
    notes: parts.notes ?? '',
    totp: (parts.totp ?? '').trim(),
    group: parts.group ?? '',
    fields: parts.fields ?? [],
  };
}
