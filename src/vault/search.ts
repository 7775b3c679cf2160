// Owns searching and sorting decrypted key summaries in memory (nothing here touches storage).

import type { KeySummary } from './types';

export type KeySort = 'name' | 'createdAt' | 'updatedAt';
export type SortDirection = 'asc' | 'desc';

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Case- and accent-insensitive match of every word of `query` against name, tags and notes. */
export function searchKeys(keys: readonly KeySummary[], query: string): KeySummary[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...keys];
  return keys.filter((k) => {
    const hay = fold([k.name, ...k.tags, k.notes].join('\n'));
    return words.every((w) => hay.includes(w));
  });
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export function sortKeys(keys: readonly KeySummary[], by: KeySort, direction: SortDirection): KeySummary[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...keys].sort((a, b) => {
    const primary = by === 'name' ? collator.compare(a.name, b.name) : a[by] - b[by];
    // Ties break on name then id, so the order is stable across reloads.
    return sign * (primary || collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  });
}
