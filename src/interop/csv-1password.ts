// Owns 1Password's CSV exports (issue #16): 1Password 8 (Title,Url,Username,Password,OTPAuth,…), 1Password 7's wide
// export (first header cell empty, "Type" holding the folder), 7 for Windows (upper-case headers, "SECTION n: …"
// columns) and 7 for Mac (139 "label(key)" columns, tags as "{( "tag" )}"); csv-read.ts handles the Mac file's
// backslash-escaped quotes. Cells of no known column become visible fields; a card's number is its value.
import { CsvHeader, CsvRow, groupPath, makeEntry } from './csv-entry';
import type { CsvFormat } from './csv-formats';
import type { EntryField, ImportEntry } from './model';

const NAME = ['title'];
const VALUE = ['password', 'password(password)'];
const USERNAME = ['username', 'username(username)'];
const URL_COLUMNS = ['url', 'url(url)', 'urls'];
const NOTES = ['notes', 'notesplain'];
const TOTP = ['otpauth', 'one-time password'];
/** Columns that say nothing about the secret: ids, settings, dates, section titles, folders and tags. */
const NOT_FIELDS = new Set([...NAME, ...VALUE, ...USERNAME, ...URL_COLUMNS, ...NOTES, ...TOTP, 'uuid', 'scope', 'autosubmit', 'ainfo', 'favorite', 'archived', 'tags', 'type', 'created date', 'modified date', '']);

/** 1Password 7 for Mac names its columns "label(key)". */
const isMacColumn = (name: string): boolean => /\([A-Za-z0-9_]+\)$/.test(name);

/** The wide 1Password 7 export starts with an empty header cell and puts the folder in "Type". */
const isWide = (header: CsvHeader): boolean => header.names[0] === '' && header.has('type');

/** The first tag of a Tags cell: "a,b", one per line, or the Mac's "{(\n    \"a\"\n)}". */
function firstTag(cell: string): string {
  const inner = cell.trim().replace(/^\{\(/, '').replace(/\)\}$/, '');
  const tags = inner
    .split(/[\n,]/)
    .map((t) => t.trim().replace(/^"(.*)"$/, '$1').trim())
    .filter((t) => t !== '');
  return tags[0] ?? '';
}

/** A field's name from its column: "number(ccnum)" → "number", "NAME 1: FIRST NAME" → "FIRST NAME". */
function fieldName(column: string): string {
  const mac = /^(.*)\([A-Za-z0-9_]+\)$/.exec(column);
  if (mac?.[1]?.trim()) return mac[1].trim();
  const windows = /^(?:[^:]* )?\d+: (.+)$/.exec(column);
  return windows?.[1]?.trim() ?? column.trim();
}

/** The cells of no known column, named as the header spells them. */
function extraFields(row: CsvRow, taken: Set<string>): EntryField[] {
  const fields: EntryField[] = [];
  row.header.names.forEach((name, i) => {
    const value = row.cells[i] ?? '';
    if (value.trim() === '' || NOT_FIELDS.has(name) || /^section[ :]/.test(name) || taken.has(value)) return;
    fields.push({ name: fieldName(row.header.original[i] ?? name), value, hidden: false });
  });
  return fields;
}

/** A credit card's fields: a "number" beside a "cardholder name" or "verification number". */
const CARD_SIGNS = ['cardholder name', 'verification number'];

/** A credit card with no password: its number is the secret (as the Bitwarden importer makes a card's number its
 * value), taken out of the fields. */
function cardNumber(fields: EntryField[]): { value: string; fields: EntryField[] } {
  const lower = (f: EntryField): string => f.name.toLowerCase();
  const number = fields.find((f) => lower(f) === 'number');
  if (!number || !fields.some((f) => CARD_SIGNS.includes(lower(f)))) return { value: '', fields };
  return { value: number.value, fields: fields.filter((f) => f !== number) };
}

function entryOf(row: CsvRow, position: number): ImportEntry {
  const password = row.get(...VALUE);
  const username = row.get(...USERNAME);
  const url = row.get(...URL_COLUMNS).split('\n')[0] ?? '';
  const notes = row.get(...NOTES);
  const group = isWide(row.header) ? groupPath(row.get('type')) : firstTag(row.get('tags'));
  const extra = extraFields(row, new Set([password, username, url, notes, row.get('title')]));
  const { value, fields } = password !== '' ? { value: password, fields: extra } : cardNumber(extra);
  return makeEntry({ name: row.get(...NAME), value, username, url, notes, totp: row.get(...TOTP), group, fields }, position);
}

export const onePasswordCsv: CsvFormat = {
  format: '1password-csv',
  hints: ['1password', '1pass', 'onepassword'],
  matches: (h) =>
    h.has('title', 'password') && (h.has('otpauth') || h.has('uuid') || h.has('ainfo') || h.has('autosubmit') || isWide(h) || h.names.some(isMacColumn)),
  entry: entryOf,
};
