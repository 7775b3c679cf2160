// Owns how another manager's entry becomes Keyward keys (issue #16; README "Import"): the value, the tags from the
// group, what goes into the notes, hidden custom fields as keys of their own, and what is left out and why.

import type { ImportEntry, ImportResult, SkippedEntry } from '../interop';
import { VaultError } from './errors';
import { LIMITS } from './types';
import { checkKeyInput } from './validate';

/** One key an import would create: a secret of format "text". */
export interface PlannedKey {
  name: string;
  value: string;
  tags: string[];
  notes: string;
  /** The entry it came from (its position in the file's entries), for the preview. */
  entry: number;
}

export interface ImportPlan {
  format: ImportResult['format'];
  keys: PlannedKey[];
  /** The parser's skips and the entries that hold nothing Keyward can store. */
  skipped: SkippedEntry[];
}

/** Cuts text to at most `max` code points. */
function cut(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : points.slice(0, max).join('');
}

/**
 * The tags of a key: the group path ("Emails/WS" → "Emails", "WS"), then the entry's own tags (KeePass, 1Password),
 * each at most the tag length, no repeat (ignoring case), at most the tag count.
 */
function tagsOf(group: string, own: readonly string[] = []): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of [...group.split('/'), ...own]) {
    const tag = cut(raw.trim(), LIMITS.tagMaxChars).trim();
    if (tag === '' || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    out.push(tag);
  }
  return out.slice(0, LIMITS.tagsMax);
}

/** The notes of the key: the entry's notes, then username, URL, TOTP and the visible custom fields, one per line. */
function notesOf(entry: ImportEntry, usedNotesAsValue: boolean): { notes: string; cut: boolean } {
  const lines: string[] = [];
  if (!usedNotesAsValue && entry.notes !== '') lines.push(entry.notes);
  if (entry.username !== '') lines.push(`Username: ${entry.username}`);
  if (entry.url !== '') lines.push(`URL: ${entry.url}`);
  if (entry.totp !== '') lines.push(`TOTP: ${entry.totp}`);
  for (const field of entry.fields) if (!field.hidden && field.value !== '') lines.push(`${field.name}: ${field.value}`);
  const text = lines.join('\n');
  const notes = cut(text, LIMITS.notesMaxChars);
  return { notes, cut: notes !== text };
}

/**
 * The keys an import makes. An entry's value is its password (or the dotenv value); a secure note with no password
 * gives its note as the value. Every hidden custom field with a value becomes a key of its own, named
 * "<entry> / <field>". An entry with no value, no note and no hidden field is skipped.
 */
export function planImport(result: ImportResult): ImportPlan {
  const keys: PlannedKey[] = [];
  const skipped: SkippedEntry[] = [...result.skipped];
  result.entries.forEach((entry, index) => {
    const name = cut(entry.name.trim(), LIMITS.nameMaxChars).trim() || `Entry ${index + 1}`;
    const noteAsValue = entry.value === '' && entry.notes !== '' && entry.username === '' && entry.url === '';
    const value = noteAsValue ? entry.notes : entry.value;
    const tags = tagsOf(entry.group, entry.tags);
    const { notes } = notesOf(entry, noteAsValue);
    const hidden = entry.fields.filter((f) => f.hidden && f.value !== '');
    const add = (key: PlannedKey): void => {
      try {
        checkKeyInput({ name: key.name, value: key.value, format: 'text', tags: key.tags, notes: key.notes });
        keys.push(key);
      } catch (error) {
        if (!(error instanceof VaultError)) throw error;
        skipped.push({ name: key.name, reason: error.message });
      }
    };
    if (value !== '') add({ name, value, tags, notes, entry: index });
    for (const field of hidden) add({ name: cut(`${name} / ${field.name}`, LIMITS.nameMaxChars), value: field.value, tags, notes: '', entry: index });
    if (value === '' && hidden.length === 0) skipped.push({ name, reason: 'it has no password, value or note to store' });
  });
  return { format: result.format, keys, skipped };
}
