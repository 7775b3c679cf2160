// Owns reading a .env file into entries (issue #16) by the rules of the `dotenv` package 17.4.2's parse(), written
// here from its documentation and checked against it by a property test: optional `export `, `=` or `: `, single,
// double and backtick quotes, multi-line quoted values, `#` comments, `\n`/`\r` expanded only in double quotes, BOM,
// CRLF. A later duplicate key wins (as in dotenv: the value is the last one, the entry keeps the first one's place).

import type { ImportEntry, ImportResult } from './model';

const QUOTES = ['\'', '"', '`'];

/** JavaScript's white space and line terminators (what a regular expression's \s matches; the BOM is one). */
function isSpace(c: string | undefined): boolean {
  return c !== undefined && /\s/.test(c);
}

/** The line ends a .env line may have once CRLF and CR are LF: LF and the two Unicode separators. */
function isLineEnd(c: string | undefined): boolean {
  return c === '\n' || c === '\u2028' || c === '\u2029' || c === '\r';
}

function isKeyChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_.-]/.test(c);
}

function isQuote(c: string | undefined): c is string {
  return c !== undefined && QUOTES.includes(c);
}

interface Found {
  key: string;
  raw: string;
  end: number;
}

/** A scanner over one normalized .env text; `at(i)` reads one assignment starting at line start i. */
class Scanner {
  constructor(private readonly s: string) {}

  private skipSpace(i: number): number {
    while (i < this.s.length && isSpace(this.s[i])) i++;
    return i;
  }

  /**
   * Where a value's tail ends: blank space, then optionally a `#` comment to the end of its line, then a line end.
   * The blank space may run over blank lines; when no comment or end of text follows it, the tail stops at the last
   * line end inside it. -1 when the tail is not blank (text follows on the same line).
   */
  private tailEnd(p: number): number {
    const j = this.skipSpace(p);
    if (j === this.s.length) return j;
    if (this.s[j] === '#') {
      let k = j;
      while (k < this.s.length && !isLineEnd(this.s[k])) k++;
      return k;
    }
    for (let t = j - 1; t >= p; t--) if (isLineEnd(this.s[t])) return t;
    return -1;
  }

  /** A quoted value opening at o: the closing quote is the last one (of those reachable over backslash-escaped
   * quotes) that only blank space or a comment follows on its line. */
  private quoted(v: number, o: number): { raw: string; end: number } | null {
    const q = this.s[o];
    let x = o + 1;
    while (x < this.s.length) {
      if (this.s[x] === '\\' && this.s[x + 1] === q) x += 2;
      else if (this.s[x] === q) break;
      else x++;
    }
    for (let c = Math.min(x, this.s.length - 1); c > o; c--) {
      if (this.s[c] !== q) continue;
      const end = this.tailEnd(c + 1);
      if (end >= 0) return { raw: this.s.slice(v, c + 1), end };
    }
    return null;
  }

  /** The value starting at v: a quoted one if it closes, else the rest of the line up to a `#`, else nothing. */
  private value(v: number): { raw: string; end: number } {
    const o = this.skipSpace(v);
    if (o < this.s.length && isQuote(this.s[o])) {
      const found = this.quoted(v, o);
      if (found) return found;
    }
    let x = v;
    while (x < this.s.length && this.s[x] !== '#' && this.s[x] !== '\n' && this.s[x] !== '\r') x++;
    if (x > v) return { raw: this.s.slice(v, x), end: this.tailEnd(x) };
    return { raw: '', end: this.tailEnd(v) };
  }

  /** A key at k and its separator (`=` after optional blank space, or `:` then one blank), then its value. */
  private afterKey(k: number): Found | null {
    let e = k;
    while (e < this.s.length && isKeyChar(this.s[e])) e++;
    if (e === k) return null;
    const key = this.s.slice(k, e);
    const eq = this.skipSpace(e);
    if (this.s[eq] === '=') return { key, ...this.value(eq + 1) };
    if (this.s[e] === ':' && e + 1 < this.s.length && isSpace(this.s[e + 1])) return { key, ...this.value(e + 2) };
    return null;
  }

  /** The assignment at line start i, if any; `export ` before the key is optional. */
  at(i: number): Found | null {
    const k = this.skipSpace(i);
    if (this.s.startsWith('export', k) && k + 6 < this.s.length && isSpace(this.s[k + 6])) {
      const found = this.afterKey(this.skipSpace(k + 6));
      if (found) return found;
    }
    return this.afterKey(k);
  }

  /** The first line start at or after i. */
  lineStart(i: number): number {
    if (i === 0 || (i <= this.s.length && isLineEnd(this.s[i - 1]))) return i;
    while (i < this.s.length && !isLineEnd(this.s[i])) i++;
    return i + 1;
  }

  /** The first line start after the line that holds i. */
  nextLine(i: number): number {
    while (i < this.s.length && !isLineEnd(this.s[i])) i++;
    return i + 1;
  }
}

/** Removes one pair of matching quotes around each line-delimited stretch the way dotenv does: a quote at a line
 * start pairs with the last same quote that ends a line (found once per quote, so a long value stays linear). */
function unquote(value: string): string {
  const lastCloser = new Map<string, number>();
  for (let y = 0; y < value.length; y++) {
    const q = value[y];
    if (isQuote(q) && (y + 1 === value.length || isLineEnd(value[y + 1]))) lastCloser.set(q, y);
  }
  let out = '';
  let last = 0;
  let x = 0;
  while (x < value.length) {
    const q = value[x];
    const y = isQuote(q) && (x === 0 || isLineEnd(value[x - 1])) ? (lastCloser.get(q) ?? -1) : -1;
    if (y > x) {
      out += value.slice(last, x) + value.slice(x + 1, y);
      last = y + 1;
      x = y + 1;
    } else {
      x++;
    }
  }
  return out + value.slice(last);
}

/** The final value of a raw match: trimmed, its quotes removed, `\n` and `\r` expanded when it was double-quoted. */
function finish(raw: string): string {
  const trimmed = raw.trim();
  const value = unquote(trimmed);
  return trimmed[0] === '"' ? value.replaceAll('\\n', '\n').replaceAll('\\r', '\r') : value;
}

interface Assignment {
  key: string;
  raw: string;
  /** Where it starts (a line start) and ends in the normalized text. */
  from: number;
  to: number;
}

/** The text with CRLF and lone CR as LF, as dotenv reads it. */
const normalize = (text: string): string => text.replace(/\r\n?/g, '\n');

/** Every assignment of a normalized .env text, in order. */
function assignments(s: string): Assignment[] {
  const scanner = new Scanner(s);
  const found: Assignment[] = [];
  let i = 0;
  while (i < s.length) {
    const at = scanner.at(i);
    if (at) {
      found.push({ key: at.key, raw: at.raw, from: i, to: at.end });
      i = Math.max(scanner.lineStart(at.end), i + 1);
    } else {
      i = scanner.nextLine(skipBlank(s, i));
    }
  }
  return found;
}

/** Every KEY=value of a .env text in order of first appearance; a repeated key takes its last value. */
export function dotenvPairs(text: string): Array<[string, string]> {
  const pairs = new Map<string, string>();
  for (const { key, raw } of assignments(normalize(text))) pairs.set(key, finish(raw));
  return [...pairs];
}

function skipBlank(s: string, i: number): number {
  while (i < s.length && isSpace(s[i])) i++;
  return i;
}

function entryOf(name: string, value: string): ImportEntry {
  return { name, value, username: '', url: '', notes: '', totp: '', group: '', fields: [] };
}

/** A .env file as entries: name = the variable's name, value = its value (an empty value is still an entry). */
export function parseDotenv(text: string): ImportResult {
  return { format: 'dotenv', entries: dotenvPairs(text).map(([k, v]) => entryOf(k, v)), skipped: [] };
}

/** Whether a text reads as a .env file: its first line that is neither blank nor a comment starts an assignment,
 * and at most half of such lines lie outside every assignment (a multi-line value's lines are inside one). */
export function looksLikeDotenv(text: string): boolean {
  const s = normalize(text);
  const found = assignments(s);
  if (found.length === 0) return false;
  let meaningful = 0;
  let outside = 0;
  let m = 0;
  let start = 0;
  for (const line of s.split('\n')) {
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) {
      while (m < found.length && (found[m]?.to ?? 0) < start) m++;
      const inside = m < found.length && (found[m]?.from ?? Infinity) <= start + line.length;
      if (meaningful === 0 && !inside) return false;
      meaningful++;
      if (!inside) outside++;
    }
    start += line.length + 1;
  }
  return outside * 2 <= meaningful;
}
