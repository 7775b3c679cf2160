// Owns reading 1Password's .1pux export (issue #16): the zip (fflate; only export.data is inflated, its declared size
// bounded), the export.data JSON (accounts → vaults → items, every item an entry, archived and trashed ones too,
// the vault as the group) and the test that recognises that JSON when someone unzipped the export. The legacy .1pif
// reader lives in onepif.ts and is re-exported here.
import { unzipSync } from 'fflate';
import { entryFrom, formParts, get, isObj, list, obj, parseJsonText, text, valueText, type Obj, type SectionField } from './onepassword-fields';
import { InteropError, MAX_IMPORT_BYTES, tooLarge, type EntryField, type ImportResult } from './model';

export { is1pif, parse1pif } from './onepif';

/** More members than any real export has (one per attachment); past it the zip is refused before it is walked. */
const MAX_ZIP_ENTRIES = 100_000;

/** Category ids 1Password gives its item kinds, for naming an untitled item. */
const CATEGORIES: Record<string, string> = {
  '001': 'Login',
  '002': 'Credit card',
  '003': 'Secure note',
  '004': 'Identity',
  '005': 'Password',
  '006': 'Document',
  '100': 'Software licence',
  '101': 'Bank account',
  '102': 'Database',
  '103': "Driver's licence",
  '104': 'Outdoor licence',
  '105': 'Membership',
  '106': 'Passport',
  '107': 'Reward programme',
  '108': 'Social security number',
  '109': 'Wireless router',
  '110': 'Server',
  '111': 'Email account',
  '112': 'API credential',
  '113': 'Medical record',
  '114': 'SSH key',
};

/** True for the export.data JSON of a .1pux: an object whose accounts hold vaults. */
export function is1PasswordData(input: string): boolean {
  if (!/^\s*\{/.test(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input) || !input.includes('"accounts"')) return false;
  const file = parseJsonText(input);
  if (!isObj(file)) return false;
  const accounts = get(file, 'accounts');
  return Array.isArray(accounts) && accounts.length > 0 && accounts.every((a) => isObj(a) && Array.isArray(get(a, 'vaults')));
}

function sectionsOf(details: Obj): SectionField[] {
  const out: SectionField[] = [];
  for (const s of list(details, 'sections')) {
    if (!isObj(s)) continue;
    for (const f of list(s, 'fields')) {
      if (!isObj(f)) continue;
      const holder = obj(f, 'value');
      const kind = Object.keys(holder)[0] ?? '';
      out.push({ id: text(f, 'id'), title: text(f, 'title'), kind, value: valueText(kind, holder[kind]), section: text(s, 'title') });
    }
  }
  return out;
}

function itemEntry(item: Obj, index: number, vault: string): ImportResult['entries'][number] {
  const details = obj(item, 'details');
  const overview = obj(item, 'overview');
  const login = formParts(list(details, 'loginFields'), 'fieldType');
  const fields: EntryField[] = login.fields;
  const document = obj(details, 'documentAttributes');
  if (text(document, 'fileName') !== '') fields.push({ name: 'Document', value: text(document, 'fileName'), hidden: false });
  const urls = list(overview, 'urls').map((u) => (isObj(u) ? text(u, 'url') : '')).filter((u) => u !== '');
  if (urls.length === 0 && text(overview, 'url') !== '') urls.push(text(overview, 'url'));
  const tags = list(overview, 'tags').filter((t): t is string => typeof t === 'string');
  const parts = { title: text(overview, 'title'), value: text(details, 'password') || login.password, username: login.username, urls, notes: text(details, 'notesPlain'), group: vault, tags, fields, sections: sectionsOf(details) };
  return entryFrom(parts, index, CATEGORIES[text(item, 'categoryUuid')] ?? 'Item');
}

/**
 * Reads the export.data JSON of a .1pux. Every item of every vault is an entry (archived and trashed ones too: an
 * export holds only what its owner chose to keep); the group is the vault's name and 1Password's tags the entry's tags.
 */
export function parse1PasswordData(input: string): ImportResult {
  const file = parseJsonText(input);
  if (!isObj(file) || !Array.isArray(get(file, 'accounts'))) throw new InteropError('Damaged', 'This is not the export.data of a 1Password .1pux export (no list of accounts).');
  const result: ImportResult = { format: '1password-1pux', entries: [], skipped: [] };
  let index = 0;
  for (const account of list(file, 'accounts')) {
    if (!isObj(account)) continue;
    for (const vault of list(account, 'vaults')) {
      if (!isObj(vault)) continue;
      const vaultName = text(obj(vault, 'attrs'), 'name');
      for (const item of list(vault, 'items')) {
        if (isObj(item)) result.entries.push(itemEntry(item, index, vaultName));
        else result.skipped.push({ name: `Item ${index + 1}`, reason: 'it is not a 1Password item (the file may have been edited).' });
        index++;
      }
    }
  }
  return result;
}

/** The bytes of export.data, inflated only after its declared sizes pass the bounds. */
function exportData(bytes: Uint8Array): Uint8Array {
  let entries = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        // Each member's central directory record takes at least 46 bytes: more members than that is a lie, and
        // fflate would walk every one of them (a zip64 directory may claim four billion).
        if (++entries > Math.min(MAX_ZIP_ENTRIES, bytes.length / 46)) throw new InteropError('Damaged', 'This .1pux file is damaged: it lists more members than it holds.');
        if (f.name !== 'export.data') return false;
        if (f.originalSize > MAX_IMPORT_BYTES) throw new InteropError('TooLarge', `The data in this .1pux file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB, the most Keyward imports.`);
        if (f.compression !== 0 && f.compression !== 8) throw new InteropError('Unsupported', 'This .1pux file is compressed in a way Keyward cannot read.');
        // Deflate never grows data by more than a few bytes per 64 KiB block: a compressed size far above the
        // declared one is a member that lies about its size (a zip bomb), refused before it is inflated.
        if (f.size > f.originalSize + Math.ceil(f.originalSize / 1000) + 1024) throw new InteropError('Damaged', 'This .1pux file is damaged: its data is bigger than it says.');
        return true;
      },
    });
  } catch (error) {
    if (error instanceof InteropError) throw error;
    throw new InteropError('Damaged', 'This .1pux file is not a zip archive Keyward can read.');
  }
  const data = files['export.data'];
  if (data === undefined) throw new InteropError('Damaged', 'This .1pux file has no export.data in it.');
  return data;
}

/** Reads a 1Password .1pux export: a zip whose export.data is read (attachments are left in the zip). */
export function parse1pux(bytes: Uint8Array): ImportResult {
  if (bytes.byteLength > MAX_IMPORT_BYTES) throw tooLarge();
  const data = exportData(bytes);
  let input: string;
  try {
    input = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new InteropError('Damaged', 'The export.data in this .1pux file is not UTF-8 text.');
  }
  return parse1PasswordData(input);
}
