// Owns turning CSV text into a header and rows with papaparse (issue #16): the BOM, CRLF inside and between rows,
// rows with nothing in them, the delimiter of a CSV that is not comma-separated, and 1Password for Mac's
// backslash-escaped quotes (\" inside a quoted cell, not RFC 4180), read with papaparse's escape character.
import Papa from 'papaparse';
import { InteropError } from './model';

export interface CsvTable {
  /** The first row's cells, trimmed. */
  headers: string[];
  /** Every later row that holds something, its cells as written (a row may be shorter or longer than the header). */
  rows: string[][];
}

/** The text without a BOM and with CRLF and lone CR line ends as LF (also inside quoted cells: notes keep LF). */
function normalize(text: string): string {
  return text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
}

/** The delimiter: a comma, unless the first line has none and has semicolons or tabs. */
function delimiterOf(text: string): string {
  const end = text.indexOf('\n');
  const first = end < 0 ? text : text.slice(0, end);
  if (first.includes(',')) return ',';
  if (first.includes('\t')) return '\t';
  if (first.includes(';')) return ';';
  return ',';
}

interface Parsed {
  data: string[][];
  errors: Papa.ParseError[];
}

function parse(text: string, delimiter: string, escapeChar: string): Parsed {
  const result = Papa.parse<string[]>(text, { delimiter, escapeChar, quoteChar: '"', newline: '\n', skipEmptyLines: false, header: false, dynamicTyping: false });
  return { data: result.data, errors: result.errors };
}

function quoteErrors(parsed: Parsed): number {
  return parsed.errors.filter((e) => e.type === 'Quotes').length;
}

/** Parses strictly; when that finds malformed quotes and the text has \", a backslash-escaping reading that finds
 * fewer is the right one (1Password 7 for Mac). */
function parseBest(text: string): Parsed {
  const delimiter = delimiterOf(text);
  const strict = parse(text, delimiter, '"');
  if (quoteErrors(strict) === 0 || !text.includes('\\"')) return strict;
  const escaped = parse(text, delimiter, '\\');
  return quoteErrors(escaped) < quoteErrors(strict) ? escaped : strict;
}

const isEmptyRow = (row: string[]): boolean => row.every((cell) => cell.trim() === '');

/** Reads CSV text; throws InteropError('Damaged') for a file with no header or a quoted cell that never closes. */
export function readCsv(text: string): CsvTable {
  const parsed = parseBest(normalize(text));
  if (parsed.errors.some((e) => e.code === 'MissingQuotes')) {
    throw new InteropError('Damaged', 'This CSV file is damaged or cut short: a quoted cell never closes.');
  }
  const rows = parsed.data.filter((row) => Array.isArray(row) && !isEmptyRow(row));
  const header = rows.shift();
  if (!header) throw new InteropError('Damaged', 'This CSV file has no header row.');
  return { headers: header.map((h) => h.trim()), rows };
}

/** The header row's cells, trimmed; [] when the text has none. Never throws. */
export function readCsvHeaders(text: string): string[] {
  const clean = normalize(text).replace(/^(?:[ \t]*\n)+/, '');
  const result = Papa.parse<string[]>(clean, { delimiter: delimiterOf(clean), newline: '\n', preview: 1, header: false });
  const first = result.data[0];
  return Array.isArray(first) && !isEmptyRow(first) ? first.map((h) => String(h).trim()) : [];
}
