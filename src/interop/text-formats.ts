// Owns the text formats' front door (issue #16): telling a .env file from each manager's CSV and from any other CSV
// (detectTextFormat), reading one of them into entries (parseText), and the column choice of a CSV that no known
// manager wrote (csvHeaders, guessCsvMapping, CsvMapping: which column holds the name, the secret, the username…).
import { CsvHeader, CsvRow, groupPath, makeEntry } from './csv-entry';
import { csvFormatOf, knownCsvFormat } from './csv-formats';
import { readCsv, readCsvHeaders } from './csv-read';
import { looksLikeDotenv, parseDotenv } from './dotenv';
import { InteropError, type ImportFormat, type ImportResult } from './model';

export type CsvField = 'name' | 'value' | 'username' | 'url' | 'notes' | 'totp' | 'group';
/** Which column (by index, from 0) holds each part of an entry, for a CSV of no known manager. */
export type CsvMapping = Partial<Record<CsvField, number>>;

/** Header words for each part, tried in this order for each column (so "login_password" is the secret and
 * "login_uri" the URL, not the username). */
const WORDS: [CsvField, RegExp][] = [
  ['totp', /\b(totp|otp|otpauth|2fa|mfa|one time password|authenticator)\b/],
  ['url', /\b(url|uri|urls|website|web site|site|link|domain|hostname|host)\b/],
  ['value', /\b(password|passwd|pass|pwd|passphrase|secret|value|key|token|api key|pin)\b/],
  ['username', /\b(user|username|user name|login|login name|email|e mail|userid|account id)\b/],
  ['notes', /\b(notes?|comments?|description|extra|memo|remarks?)\b/],
  ['group', /\b(group|groups|folder|category|collections?|grouping|path|vault|tags?)\b/],
  ['name', /\b(name|title|account|label|entry|item|service)\b/],
];

/** A header cell as plain lower-case words: "loginPassword" and "login_password" → "login password". */
function words(header: string): string {
  return header
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** A first guess at the columns of a CSV from its header words; each part takes the first column that fits it. */
export function guessCsvMapping(headers: string[]): CsvMapping {
  const mapping: CsvMapping = {};
  headers.forEach((header, index) => {
    const text = words(header);
    // "Secret Name", "Key Name", "Service Title" name the entry; "Login Name" and "User Name" are the username.
    const naming = /\b(name|title)$/.test(text) && !/\b(user|login)\b/.test(text);
    const field = naming ? 'name' : WORDS.find(([, re]) => re.test(text))?.[0];
    if (field !== undefined && mapping[field] === undefined) mapping[field] = index;
  });
  return mapping;
}

/** The header row of a CSV text, trimmed; [] when it has none. Never throws. */
export function csvHeaders(text: string): string[] {
  try {
    return readCsvHeaders(text);
  } catch {
    return [];
  }
}

/** A .env file's name: ".env", ".env.local", "prod.env". */
const isEnvName = (fileName: string): boolean => /(^|[\\/])\.env(\.[^\\/]*)?$|\.env$/i.test(fileName);

/** A header that could be any CSV's: two or more short cells of text, not all empty, not JSON or XML, no binary. */
function isPlausibleHeader(headers: string[]): boolean {
  if (headers.length < 2 || /^[[{<]/.test(headers[0] ?? '')) return false;
  return headers.some((h) => h !== '') && headers.every((h) => h.length <= 200 && !/[\u0000-\u0008\u000a-\u001f\ufffd]/.test(h));
}

/** The text format of a file: dotenv, a known manager's CSV, 'csv' for any other CSV, null for none of these. */
export function detectTextFormat(text: string, fileName?: string): ImportFormat | null {
  const dotenvLike = looksLikeDotenv(text);
  if (dotenvLike && fileName !== undefined && isEnvName(fileName)) return 'dotenv';
  const headers = csvHeaders(text);
  const known = knownCsvFormat(headers, fileName);
  if (known) return known.format;
  if (dotenvLike) return 'dotenv';
  if (isPlausibleHeader(headers)) return 'csv';
  return fileName !== undefined && isEnvName(fileName) ? 'dotenv' : null;
}

function mappedIndex(mapping: CsvMapping, field: CsvField, width: number): number | undefined {
  const index = mapping[field];
  if (index === undefined) return undefined;
  if (!Number.isInteger(index) || index < 0 || index >= width) {
    throw new InteropError('Unsupported', `The column chosen for the ${field} is not one of this file's columns.`);
  }
  return index;
}

/** A CSV of no known manager, read with the columns chosen (or guessed from its header). */
function parseGenericCsv(text: string, chosen: CsvMapping | undefined): ImportResult {
  const table = readCsv(text);
  const mapping = chosen ?? guessCsvMapping(table.headers);
  const width = table.headers.length;
  const at: Partial<Record<CsvField, number>> = {};
  for (const field of ['name', 'value', 'username', 'url', 'notes', 'totp', 'group'] as const) at[field] = mappedIndex(mapping, field, width);
  if (at.name === undefined && at.value === undefined) {
    throw new InteropError('Unsupported', 'Keyward cannot tell which column of this CSV holds the names or the secrets. Choose the columns.');
  }
  const header = new CsvHeader(table.headers);
  const entries = table.rows.map((cells, i) => {
    const row = new CsvRow(header, cells);
    return makeEntry(
      {
        name: row.cell(at.name),
        value: row.cell(at.value),
        username: row.cell(at.username),
        url: row.cell(at.url),
        notes: row.cell(at.notes),
        totp: row.cell(at.totp),
        group: groupPath(row.cell(at.group)),
      },
      i + 1,
    );
  });
  return { format: 'csv', entries, skipped: [] };
}

/** A known manager's CSV; a file whose header is not that manager's is refused. */
function parseKnownCsv(text: string, format: ImportFormat): ImportResult {
  const spec = csvFormatOf(format);
  if (!spec) throw new InteropError('Unsupported', 'This format is not a text format Keyward reads this way.');
  const table = readCsv(text);
  const header = new CsvHeader(table.headers);
  if (!spec.matches(header)) throw new InteropError('Damaged', 'This CSV file does not have the columns of the format chosen.');
  return { format, entries: table.rows.map((cells, i) => spec.entry(new CsvRow(header, cells), i + 1)), skipped: [] };
}

/** Reads a .env or CSV text in the given format; throws InteropError only. */
export function parseText(text: string, format: ImportFormat, mapping?: CsvMapping): ImportResult {
  if (format === 'dotenv') return parseDotenv(text);
  if (format === 'csv') return parseGenericCsv(text, mapping);
  return parseKnownCsv(text, format);
}
