// Owns turning a loaded KeePass database (kdbxweb's Kdbx, from a KDBX file or a KeePass 2 XML export) into
// ImportEntry[]: every entry of every group, never the Recycle Bin (and everything under it), never <History>.
import type { Kdbx, KdbxEntry, KdbxGroup } from 'kdbxweb';
import type { EntryField, ImportEntry, SkippedEntry } from './model';
import { urlHost } from './url-host';

/** The standard strings of a KeePass entry; every other string is a custom field. Exact case, as KeePass keys them. */
const STANDARD = new Set(['Title', 'UserName', 'Password', 'URL', 'Notes']);

/**
 * Where TOTP plugins keep their secret, the first one present wins and is kept as the source wrote it: KeePassXC and
 * KeeWeb "otp" (an otpauth:// URI), KeeTrayTOTP and old KeePassXC "TOTP Seed", KeePass 2.47+ "TimeOtp-Secret*".
 * Their settings strings (TOTP Settings, TimeOtp-Period, ...) stay custom fields, so nothing is lost.
 */
const TOTP_KEYS = ['otp', 'TOTP Seed', 'TimeOtp-Secret-Base32', 'TimeOtp-Secret', 'TimeOtp-Secret-Hex', 'TimeOtp-Secret-Base64'];

type FieldValue = KdbxEntry['fields'] extends Map<string, infer V> ? V : never;

function text(value: FieldValue | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : value.getText();
}

/** The entry's name: its title, else the URL's host, else its user name, else "Entry N". */
function entryName(title: string, url: string, username: string, position: number): string {
  if (title.trim() !== '') return title;
  return urlHost(url) || (username.trim() !== '' ? username.trim() : `Entry ${position}`);
}

function toEntry(entry: KdbxEntry, group: string, position: number): ImportEntry {
  const get = (key: string) => text(entry.fields.get(key));
  const totpKey = TOTP_KEYS.find((key) => get(key).trim() !== '');
  const fields: EntryField[] = [];
  for (const [name, value] of entry.fields) {
    if (STANDARD.has(name) || name === totpKey) continue;
    fields.push({ name, value: text(value), hidden: typeof value !== 'string' });
  }
  const url = get('URL');
  const username = get('UserName');
  return {
    name: entryName(get('Title'), url, username, position),
    value: get('Password'),
    username,
    url,
    notes: get('Notes'),
    totp: totpKey === undefined ? '' : get(totpKey),
    group,
    fields,
    ...(entry.tags.length > 0 ? { tags: [...entry.tags] } : {}),
  };
}

/** Every live entry of the database, with the group path below the root group ('' for the root's own entries). */
export function walkKeepass(db: Kdbx): { entries: ImportEntry[]; skipped: SkippedEntry[] } {
  const recycleBin = db.meta.recycleBinUuid;
  const isRecycleBin = (group: KdbxGroup) => recycleBin !== undefined && !recycleBin.empty && group.uuid.equals(recycleBin);
  const entries: ImportEntry[] = [];
  const skipped: SkippedEntry[] = [];
  // Depth-first with an explicit stack (a deep hostile tree cannot overflow the call stack here), in document order.
  const stack: { group: KdbxGroup; path: string[] }[] = db.groups.map((group) => ({ group, path: [] })).reverse();
  while (stack.length > 0) {
    const { group, path } = stack.pop()!;
    const groupPath = path.join('/');
    for (const entry of group.entries) {
      try {
        entries.push(toEntry(entry, groupPath, entries.length + skipped.length + 1));
      } catch {
        skipped.push({ name: `Entry ${entries.length + skipped.length + 1}`, reason: 'This entry could not be read.' });
      }
    }
    const children = group.groups.filter((child) => !isRecycleBin(child)).reverse();
    for (const child of children) {
      const name = (child.name ?? '').trim();
      stack.push({ group: child, path: name === '' ? path : [...path, name] });
    }
  }
  return { entries, skipped };
}
