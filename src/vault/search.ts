// Owns searching and sorting decrypted key summaries in memory (nothing here touches storage).

import type { KeySummary } from './types';

export type KeySort = 'name' | 'createdAt' | 'updatedAt';
export type SortDirection = 'asc' | 'desc';

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/**
 * What a search matches, case- and accent-folded, computed once per summary. Summaries are frozen and
 * replaced on every change, so an entry can never go stale; a keystroke over 10,000 keys then costs one
 * `includes` per key instead of a join, an NFD normalisation and a regex (issue #7: ≤ 16 ms).
 */
const haystacks = new WeakMap<KeySummary, string>();

function haystack(k: KeySummary): string {
  let hay = haystacks.get(k);
  if (hay === undefined) {
    hay = fold([k.name, ...k.tags, k.notes].join('\n'));
    haystacks.set(k, hay);
  }
  return hay;
}

function wordsOf(query: string): string[] {
  return fold(query).split(/\s+/).filter(Boolean);
}

function filterWords(keys: readonly KeySummary[], words: readonly string[]): KeySummary[] {
  if (words.length === 0) return [...keys];
  return keys.filter((k) => {
    const hay = haystack(k);
    return words.every((w) => hay.includes(w));
  });
}

/** Case- and accent-insensitive match of every word of `query` against name, tags and notes; keeps the input's order. */
export function searchKeys(keys: readonly KeySummary[], query: string): KeySummary[] {
  return filterWords(keys, wordsOf(query));
}

/**
 * searchKeys for a search box: remembers its last answer, and when the same list is searched with a
 * query that can only match fewer keys (every earlier word is still inside some word, as when typing on),
 * filters that answer instead of the whole list. Same results as searchKeys, in the input's order.
 */
export class IncrementalSearch {
  /** Folds every key's text ahead of the first keystroke (call when idle after the list is shown). */
  static warm(keys: readonly KeySummary[]): void {
    for (const k of keys) haystack(k);
  }

  #keys: readonly KeySummary[] | null = null;
  #words: readonly string[] = [];
  #result: readonly KeySummary[] = [];

  run(keys: readonly KeySummary[], query: string): readonly KeySummary[] {
    const words = wordsOf(query);
    const narrower = keys === this.#keys && this.#words.length > 0 && this.#words.every((old) => words.some((w) => w.includes(old)));
    const result = words.length === 0 ? keys : filterWords(narrower ? this.#result : keys, words);
    this.#keys = keys;
    this.#words = words;
    this.#result = result;
    return result;
  }
}

const ASCII = /^[\x00-\x7f]*$/;

function fold(text: string): string {
  // ASCII has no marks to strip: lower-casing is the whole fold (most names; ~20× cheaper).
  if (ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * The collator's order for lower-cased names made only of ASCII letters, digits and spaces: space <
 * digits < letters, digit runs compared by value (leading zeros ignored), a prefix first. About ten times
 * faster than Intl.Collator#compare, which dominated sorting 10,000 names at unlock.
 */
function compareSimple(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      while (a.charCodeAt(i) === 48) i++;
      while (b.charCodeAt(j) === 48) j++;
      let ei = i;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      let ej = j;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      if (ei - i !== ej - j) return ei - i < ej - j ? -1 : 1;
      for (; i < ei; i++, j++) {
        const d = a.charCodeAt(i) - b.charCodeAt(j);
        if (d !== 0) return d < 0 ? -1 : 1;
      }
      continue;
    }
    if (ca !== cb) return ca < cb ? -1 : 1;
    i++;
    j++;
  }
  const ra = a.length - i;
  const rb = b.length - j;
  return ra === rb ? 0 : ra < rb ? -1 : 1;
}

const SIMPLE = /^[A-Za-z0-9 ]{0,200}$/;

/**
 * The fast path is used only where it was seen to agree with the collator: an English locale (others
 * reorder ASCII letters, e.g. Lithuanian "y", Danish "aa") and a probe of the cases it models.
 */
const FAST = ((): boolean => {
  if (!/^en(-|$)/.test(collator.resolvedOptions().locale)) return false;
  const probe = ['', ' ', 'a', 'A', 'a ', 'a b', 'ab', 'a1', 'a 1', 'a01', 'a10', 'a9', 'a9b', 'aa', 'b', 'key 9', 'key 10', 'key10', 'y', 'i', 'j', 'z', '0', '00', '007', '7x', 'Z 2'];
  const lower = probe.map((p) => p.toLowerCase());
  for (let x = 0; x < probe.length; x++) {
    for (let y = 0; y < probe.length; y++) if (Math.sign(collator.compare(probe[x]!, probe[y]!)) !== compareSimple(lower[x]!, lower[y]!)) return false;
  }
  return true;
})();

/** Intl.Collator order of two names (case- and accent-insensitive, numbers by value). */
export function compareNames(a: string, b: string): number {
  return FAST && SIMPLE.test(a) && SIMPLE.test(b) ? compareSimple(a.toLowerCase(), b.toLowerCase()) : collator.compare(a, b);
}

/**
 * A string whose plain code-unit order is compareSimple's order of lower-cased simple names: each run of
 * digits becomes "0", a length mark (U+0100 + its length without leading zeros) and those digits. "0"
 * stands where the run began (a digit sorts against a space or a letter as any digit does), the mark puts
 * shorter numbers first, and equal lengths compare digit by digit. Made once per key, so sorting 10,000
 * names is `<` on strings instead of a character loop per comparison (issue #7: list_render).
 */
export function simpleSortKey(lower: string): string {
  return lower.replace(/\d+/g, (run) => {
    const digits = run.replace(/^0+/, '');
    return `0${String.fromCharCode(0x100 + digits.length)}${digits}`;
  });
}

export function sortKeys(keys: readonly KeySummary[], by: KeySort, direction: SortDirection): KeySummary[] {
  const sign = direction === 'asc' ? 1 : -1;
  // Decorated once per key, not once per comparison.
  const rows = keys.map((key) => ({ key, sortKey: FAST && SIMPLE.test(key.name) ? simpleSortKey(key.name.toLowerCase()) : null }));
  const byName = (a: (typeof rows)[number], b: (typeof rows)[number]): number =>
    a.sortKey !== null && b.sortKey !== null ? (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0) : collator.compare(a.key.name, b.key.name);
  rows.sort((a, b) => {
    const primary = by === 'name' ? byName(a, b) : a.key[by] - b.key[by];
    // Ties break on name then id, so the order is stable across reloads.
    return sign * (primary || (by === 'name' ? 0 : byName(a, b)) || (a.key.id < b.key.id ? -1 : a.key.id > b.key.id ? 1 : 0));
  });
  return rows.map((r) => r.key);
}
