// Owns the key list's words and the small decisions behind them (issue #17, item 1): the count line, the totals that
// leave out states no key is in, which tags fit beside a name ("+N" for the rest), the order's words for each sort,
// and which keys reach the search from anywhere on the page ("/" and Ctrl+K, not while typing in a field).

import type { KeySort, KeyState } from '../../vault';
import type { ListView, SortDirection } from './keys-state.svelte';

const keys = (n: number): string => `${n.toLocaleString('en-US')} ${n === 1 ? 'key' : 'keys'}`;

/** The line under the search: how many keys the list shows, and of how many. */
export function countText(view: ListView, shown: number, total: number, query: string): string {
  if (view === 'due') return `${keys(shown)} due for rotation, soonest first`;
  return query.trim() === '' ? keys(total) : `${shown.toLocaleString('en-US')} of ${keys(total)}`;
}

/** The totals by state, without the states no key is in. */
export function nonZeroTotals<T extends { state: KeyState; count: number }>(counts: readonly T[]): T[] {
  return counts.filter((entry) => entry.count > 0);
}

/**
 * Room for a row's badges, in characters (about 7 px each): a badge costs its label's length plus 3 (its padding and
 * the gap), a bold one 15% more. The
 * state, due and destruction badges come first; tags fill what is left, with room kept for "+N".
 */
export const ROW_BUDGET = 34;
/** Tags a row shows at most. */
export const TAG_MAX = 2;
const cost = (label: string): number => label.length + 3;
/** State and due badges are bold: about 15% wider a character. */
const boldCost = (label: string): number => Math.ceil(label.length * 1.15) + 3;
const MORE_COST = 5;

/**
 * The first tags that fit beside the row's other badges (`labels`) in `budget`, at most `max`, and how many are left
 * for "+N". A tag is shown whole or not at all, never cut.
 */
export function rowTags(tags: readonly string[], labels: readonly string[] = [], budget = ROW_BUDGET, max = TAG_MAX): { shown: string[]; more: number } {
  const shown: string[] = [];
  let used = labels.reduce((sum, label) => sum + boldCost(label), 0);
  for (const [i, tag] of tags.entries()) {
    const need = cost(tag) + (i < tags.length - 1 ? MORE_COST : 0);
    if (shown.length >= max || used + need > budget) break;
    shown.push(tag);
    used += cost(tag);
  }
  return { shown, more: tags.length - shown.length };
}

/**
 * The "+N" after a row's tags and the words it stands for (its accessible name and tooltip): "more" after the tags
 * shown, "tag" when it stands for all of them (a narrow row shows no tag itself).
 */
export function moreTagsText(hidden: readonly string[], kind: 'more' | 'tag' = 'more'): { short: string; long: string } {
  const n = hidden.length;
  const noun = n === 1 ? 'tag' : 'tags';
  return { short: `+${n}`, long: `${kind === 'more' ? `${n} more ${noun}` : `${n} ${noun}`}: ${hidden.join(', ')}` };
}

export const SORT_LABELS: Readonly<Record<KeySort, string>> = Object.freeze({ name: 'Name', createdAt: 'Created', updatedAt: 'Updated' });

/** The order's two choices in the words of the sort: "A to Z" for names, "Oldest first" for dates. */
export function orderLabels(sortBy: KeySort): Readonly<Record<SortDirection, string>> {
  return sortBy === 'name' ? { asc: 'A to Z', desc: 'Z to A' } : { asc: 'Oldest first', desc: 'Newest first' };
}

/** What the search field says while empty: what it searches, and the keys that reach it. */
export const SEARCH_PLACEHOLDER = 'Search  (/ or Ctrl+K)';
/** The same where the field is too narrow for the hint. */
export const SEARCH_PLACEHOLDER_SHORT = 'Search';

/** The parts of a key press the shortcut needs, and where it was pressed. */
export interface ShortcutPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey?: boolean;
  /** The pressed element is a field being typed in (input, textarea, select, editable text). */
  inField: boolean;
  /** The press happened inside a dialog. */
  inDialog: boolean;
}

/** True when the press should move focus to the search: "/" alone, or Ctrl+K (⌘K on a Mac), outside fields and dialogs. */
export function isSearchShortcut(press: ShortcutPress): boolean {
  if (press.inField || press.inDialog || press.altKey) return false;
  if (press.key === '/') return !press.ctrlKey && !press.metaKey;
  return (press.key === 'k' || press.key === 'K') && (press.ctrlKey || press.metaKey) && press.shiftKey !== true;
}
