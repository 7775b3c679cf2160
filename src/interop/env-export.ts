// Owns the .env exporter (issue #16): a key name as a valid variable name, distinct names for a whole file, and each
// value written with the quoting that the `dotenv` package (17.4.2) reads back exactly. A value that no quoting can
// carry is refused, by its key's name, never by its value. The rules below are from dotenv's documented parsing
// (bare values end at `#` and at the line end and are trimmed; single, double and backtick quotes may span lines and
// may hold their own quote only after a backslash, which stays; only double quotes expand \n and \r; CRLF and CR
// become LF) and are checked against dotenv itself by the property tests in env-export.test.ts.

import { InteropError } from './model';

const QUOTES = new Set(["'", '"', '`']);

/** JavaScript's line terminators: where a multi-line `^`/`$` matches inside a value. */
function isLineBreak(c: string | undefined): boolean {
  return c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029';
}

/**
 * A valid environment variable name for a key name: upper case, A-Z 0-9 and _, never starting with a digit. Accents
 * are dropped (Café → CAFE), every run of other characters becomes one '_' (runs at either end are dropped), a
 * leading digit gets a '_' before it, and a name with nothing usable becomes KEY.
 */
export function envName(name: string): string {
  const plain = name.normalize('NFKD').replace(/\p{M}/gu, '').toUpperCase();
  const core = plain.replace(/^[^A-Z0-9_]+|[^A-Z0-9_]+$/g, '').replace(/[^A-Z0-9_]+/g, '_');
  if (core === '') return 'KEY';
  return /^[0-9]/.test(core) ? `_${core}` : core;
}

/**
 * envName of each name, made distinct: the first of several keys that share a variable name keeps it, the others get
 * _2, _3, … (skipping any name another key has as its own).
 */
export function uniqueEnvNames(names: readonly string[]): string[] {
  const bases = names.map(envName);
  const own = new Set(bases);
  const taken = new Set<string>();
  return bases.map((base) => {
    let name = base;
    for (let n = 2; taken.has(name) || (name !== base && own.has(name)); n++) name = `${base}_${n}`;
    taken.add(name);
    return name;
  });
}

/** `KEY=value`: a bare value is cut at '#' and at the line end, trimmed, and unquoted if a line of it is quoted. */
function bare(v: string): string | null {
  if (v === '' || v !== v.trim() || /[#\r\n]/.test(v) || QUOTES.has(v[0]!)) return null;
  // After a U+2028/U+2029 a new "line" starts: one that opens with a quote and has the same quote at a line's end
  // would be unquoted by dotenv.
  for (let s = 1; s < v.length; s++) {
    const q = v[s]!;
    if (!isLineBreak(v[s - 1]) || !QUOTES.has(q)) continue;
    for (let e = s + 1; e < v.length; e++) if (v[e] === q && (e === v.length - 1 || isLineBreak(v[e + 1]))) return null;
  }
  return v;
}

/**
 * `KEY=<q>content<q>`: the quoted part ends at the first `q` not after a backslash, so every `q` inside needs one;
 * content ending in a backslash would escape the closing quote; a carriage return does not survive (CR → LF).
 */
function quoted(content: string, q: string): string | null {
  if (content.includes('\r') || content.endsWith('\\')) return null;
  for (let i = 0; i < content.length; i++) if (content[i] === q && content[i - 1] !== '\\') return null;
  return `${q}${content}${q}`;
}

/** Double quotes, with line breaks as \n and \r: dotenv expands every \n and \r in them, so none may be there already. */
function doubleQuoted(v: string): string | null {
  const content = v.replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  if (content.replace(/\\n/g, '\n').replace(/\\r/g, '\r') !== v) return null;
  return quoted(content, '"');
}

/**
 * `KEY='value'` for a one-line value that holds quotes of every kind: the quoted reading fails at the first inner
 * quote (nothing but the line's end may follow a closing quote), so dotenv reads the line as a bare value and then
 * takes off the outer quotes. It must not reach a '#', and no inner `'` that the quoted reading can stop at may be
 * followed by nothing but spaces up to a U+2028/U+2029 (where a line would end).
 */
function wrapped(v: string): string | null {
  if (/[#\r\n]/.test(v) || v.endsWith('\\')) return null;
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== "'") continue;
    for (let j = i + 1; j < v.length && /\s/.test(v[j]!); j++) if (isLineBreak(v[j])) return null;
    // The quoted reading cannot go past a quote that no backslash escapes.
    if (v[i - 1] !== '\\') break;
  }
  return `'${v}'`;
}

/**
 * How `v` is written after `KEY=`, or null when dotenv cannot read any writing of it back: bare when safe; single
 * quotes for one line; double quotes with \n for several lines (or a `'`); then single quotes or backticks holding
 * the line breaks; a one-line value with all three kinds of quote in single quotes read as a bare value.
 */
export function dotenvValue(v: string): string | null {
  if (v === '') return "''";
  const oneLine = !/[\n\r]/.test(v);
  return bare(v) ?? (oneLine ? quoted(v, "'") : null) ?? doubleQuoted(v) ?? quoted(v, "'") ?? quoted(v, '`') ?? wrapped(v);
}

/**
 * A .env file of `items`, one `NAME=value` line each, in order; names from uniqueEnvNames. Throws InteropError
 * ('Unsupported') naming the first key whose value cannot be written so that dotenv reads it back the same.
 */
export function toDotenv(items: readonly { name: string; value: string }[]): string {
  const names = uniqueEnvNames(items.map((i) => i.name));
  const lines = items.map(({ name, value }, i) => {
    const written = dotenvValue(value);
    if (written === null) {
      throw new InteropError(
        'Unsupported',
        `The value of “${name}” cannot be written in a .env file so that it reads back the same: it has a carriage return that cannot be escaped, or mixes ', " and \` quotes with a line break, a # or a final backslash. Export it another way (KDBX) or change the value.`,
      );
    }
    return `${names[i]}=${written}`;
  });
  return lines.map((l) => `${l}\n`).join('');
}
