// Owns the CSV exports Keyward knows (issue #16): each manager's column set, told from the header row, and how one of
// its rows becomes an ImportEntry — Bitwarden (individual, organization, with reprompt), KeePass 1.x columns,
// KeePassXC/KeePassX, LastPass, Chrome and Firefox. 1Password's CSVs are in csv-1password.ts.
import { onePasswordCsv } from './csv-1password';
import { CsvHeader, CsvRow, groupPath, makeEntry } from './csv-entry';
import { schemeHost } from './url-host';
import type { EntryField, ImportEntry, ImportFormat } from './model';

export interface CsvFormat {
  format: ImportFormat;
  /** Words in a file name that hint at this format, used only when two formats fit a header. */
  hints: string[];
  /** Whether a header row is this format's. */
  matches(header: CsvHeader): boolean;
  /** One row as an entry; `position` (from 1) names an untitled entry. */
  entry(row: CsvRow, position: number): ImportEntry;
}

/** Bitwarden's "fields" cell: one "name: value" per line; a line with no ": " continues the previous value. */
export function bitwardenFields(cell: string): EntryField[] {
  const fields: EntryField[] = [];
  for (const line of cell.split('\n')) {
    const at = line.indexOf(': ');
    const last = fields[fields.length - 1];
    if (at < 0 && last) last.value += `\n${line}`;
    else if (at < 0) fields.push({ name: line.trim(), value: '', hidden: false });
    else fields.push({ name: line.slice(0, at).trim(), value: line.slice(at + 2), hidden: false });
  }
  return fields.filter((f) => f.name !== '' || f.value !== '');
}

/** A cell that may list several URIs ("a,b" or one per line): the first is the URL, the others are fields. */
function uris(cell: string): { url: string; more: EntryField[] } {
  const all = cell
    .split(/[\n,]/)
    .map((u) => u.trim())
    .filter((u) => u !== '');
  return { url: all[0] ?? '', more: all.slice(1).map((value) => ({ name: 'URL', value, hidden: false })) };
}

const bitwarden: CsvFormat = {
  format: 'bitwarden-csv',
  hints: ['bitwarden'],
  matches: (h) => h.has('type', 'name', 'login_password') || h.has('type', 'name', 'login_uri', 'login_username'),
  entry(row, position) {
    const { url, more } = uris(row.get('login_uri'));
    const group = row.get('folder') || (row.get('collections').split(',')[0] ?? '');
    return makeEntry(
      {
        name: row.get('name'),
        value: row.get('login_password'),
        username: row.get('login_username'),
        url,
        notes: row.get('notes'),
        totp: row.get('login_totp'),
        group: groupPath(group),
        fields: [...bitwardenFields(row.get('fields')), ...more],
      },
      position,
    );
  },
};

const keepass: CsvFormat = {
  format: 'keepass-csv',
  hints: ['keepass'],
  matches: (h) => h.has('account', 'login name', 'password'),
  entry(row, position) {
    return makeEntry(
      {
        name: row.get('account'),
        value: row.get('password'),
        username: row.get('login name'),
        url: row.get('web site'),
        notes: row.get('comments'),
        group: groupPath(row.get('group tree', 'group'), '\\'),
      },
      position,
    );
  },
};

const keepassxc: CsvFormat = {
  format: 'keepassxc-csv',
  hints: ['keepassx', 'kpxc'],
  matches: (h) => h.has('group', 'title', 'username', 'password', 'url', 'notes'),
  entry(row, position) {
    // KeePassXC writes the path from the root group ("Root/Emails/WS"); the root is not a folder of the entry.
    const parts = groupPath(row.get('group')).split('/');
    return makeEntry(
      {
        name: row.get('title'),
        value: row.get('password'),
        username: row.get('username'),
        url: row.get('url'),
        notes: row.get('notes'),
        totp: row.get('totp'),
        group: parts.slice(1).join('/'),
      },
      position,
    );
  },
};

const lastpass: CsvFormat = {
  format: 'lastpass-csv',
  hints: ['lastpass'],
  matches: (h) => h.has('url', 'username', 'password', 'extra', 'name', 'grouping'),
  entry(row, position) {
    const url = row.get('url');
    // A secure note has the made-up URL "http://sn" and its text in "extra".
    return makeEntry(
      {
        name: row.get('name'),
        value: row.get('password'),
        username: row.get('username'),
        url: url.trim() === 'http://sn' ? '' : url,
        notes: row.get('extra'),
        totp: row.get('totp'),
        group: groupPath(row.get('grouping'), '\\'),
      },
      position,
    );
  },
};

const chrome: CsvFormat = {
  format: 'chrome-csv',
  hints: ['chrome', 'chromium', 'edge', 'brave'],
  matches: (h) => h.isExactly(['name', 'url', 'username', 'password']) || h.isExactly(['name', 'url', 'username', 'password', 'note']),
  entry(row, position) {
    const { url, more } = uris(row.get('url'));
    return makeEntry({ name: row.get('name'), value: row.get('password'), username: row.get('username'), url, notes: row.get('note'), fields: more }, position);
  },
};

const firefox: CsvFormat = {
  format: 'firefox-csv',
  hints: ['firefox', 'mozilla'],
  matches: (h) => h.has('url', 'username', 'password', 'httprealm', 'formactionorigin'),
  entry(row, position) {
    const cell = row.get('url').trim();
    // No title column: the name is the URL's host, or the cell itself when it holds no URL; the cell is kept as the
    // URL only when it is one or looks like a domain ("mastodon.social", not "empty entry").
    const url = schemeHost(cell) !== '' || /^[\w-]+(\.[\w-]+)+(:\d+)?(\/\S*)?$/.test(cell) ? cell : '';
    return makeEntry({ name: schemeHost(cell) || cell, value: row.get('password'), username: row.get('username'), url }, position);
  },
};

/** The known formats, most specific first. */
export const CSV_FORMATS: CsvFormat[] = [bitwarden, keepassxc, keepass, onePasswordCsv, lastpass, firefox, chrome];

/** The known format of a header row; the file name decides only between formats that all fit. */
export function knownCsvFormat(headers: string[], fileName?: string): CsvFormat | null {
  const header = new CsvHeader(headers);
  const fits = CSV_FORMATS.filter((f) => f.matches(header));
  if (fits.length > 1 && fileName) {
    const name = fileName.toLowerCase();
    const hinted = fits.find((f) => f.hints.some((hint) => name.includes(hint)));
    if (hinted) return hinted;
  }
  return fits[0] ?? null;
}

export function csvFormatOf(format: ImportFormat): CsvFormat | undefined {
  return CSV_FORMATS.find((f) => f.format === format);
}
