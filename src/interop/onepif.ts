// Owns reading the legacy 1Password .1pif export (1Password 4–7, issue #16): JSON records separated by
// "***5642bee8-a5ff-11dc-8314-0800200c9a66***" lines, folder records as the groups (nested by their parent),
// every other record but tombstones as one entry, and the test that recognises such a file.
import { entryFrom, formParts, get, isObj, list, obj, parseJsonText, text, valueText, type Obj, type SectionField } from './onepassword-fields';
import { InteropError, type ImportResult } from './model';

const SEPARATOR = '***5642bee8-a5ff-11dc-8314-0800200c9a66***';
/** How deep a folder path may go; deeper parents (or a loop) end the path. */
const MAX_FOLDER_DEPTH = 32;

/** Record kinds, for naming an untitled record. */
const KINDS: Record<string, string> = {
  'webforms.WebForm': 'Login',
  'passwords.Password': 'Password',
  'securenotes.SecureNote': 'Secure note',
  'wallet.financial.CreditCard': 'Credit card',
  'identities.Identity': 'Identity',
  'wallet.computer.License': 'Software licence',
  'wallet.computer.Router': 'Wireless router',
  'wallet.computer.UnixServer': 'Server',
  'wallet.computer.Database': 'Database',
  'wallet.financial.BankAccountUS': 'Bank account',
};

function stripBom(input: string): string {
  return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
}

function chunks(input: string): string[] {
  return stripBom(input)
    .split(SEPARATOR)
    .map((c) => c.trim())
    .filter((c) => c !== '');
}

/** True for a .1pif file: its first record is a JSON object with a "typeName". */
export function is1pif(input: string): boolean {
  const body = stripBom(input).trimStart();
  if (!body.startsWith('{')) return false;
  const end = body.indexOf(SEPARATOR);
  const first = parseJsonText(end < 0 ? body : body.slice(0, end));
  return isObj(first) && typeof get(first, 'typeName') === 'string' && (end >= 0 || typeof get(first, 'uuid') === 'string');
}

interface Folder {
  title: string;
  parent: string;
}

function folderPath(folders: Map<string, Folder>, uuid: string): string {
  const names: string[] = [];
  const seen = new Set<string>();
  for (let at = uuid; folders.has(at) && !seen.has(at) && names.length < MAX_FOLDER_DEPTH; at = folders.get(at)!.parent) {
    seen.add(at);
    names.unshift(folders.get(at)!.title);
  }
  return names.join('/');
}

function sectionsOf(contents: Obj): SectionField[] {
  const out: SectionField[] = [];
  for (const s of list(contents, 'sections')) {
    if (!isObj(s)) continue;
    for (const f of list(s, 'fields')) {
      if (!isObj(f)) continue;
      const kind = text(f, 'k');
      out.push({ id: text(f, 'n'), title: text(f, 't'), kind, value: valueText(kind, get(f, 'v')), section: text(s, 'title') });
    }
  }
  return out;
}

function recordEntry(record: Obj, index: number, folders: Map<string, Folder>): ImportResult['entries'][number] {
  const contents = obj(record, 'secureContents');
  const form = formParts(list(contents, 'fields'), 'type');
  const urls = list(contents, 'URLs').map((u) => (isObj(u) ? text(u, 'url') : '')).filter((u) => u !== '');
  const location = text(record, 'location');
  if (location !== '' && !urls.includes(location)) urls.unshift(location);
  const tags = list(obj(record, 'openContents'), 'tags').filter((t): t is string => typeof t === 'string');
  const parts = {
    title: text(record, 'title'),
    value: text(contents, 'password') || form.password,
    username: form.username,
    urls,
    notes: text(contents, 'notesPlain'),
    group: folderPath(folders, text(record, 'folderUuid')),
    tags,
    fields: form.fields,
    sections: sectionsOf(contents),
  };
  return entryFrom(parts, index, KINDS[text(record, 'typeName')] ?? 'Item');
}

/**
 * Reads a .1pif export. Folder records (system.folder.*) are groups, not entries; tombstones (system.Tombstone) are
 * deleted items and left out; every other record is an entry, trashed ones too. A record that is not JSON is skipped.
 */
export function parse1pif(input: string): ImportResult {
  const result: ImportResult = { format: '1password-1pif', entries: [], skipped: [] };
  const folders = new Map<string, Folder>();
  const items: { record: Obj; index: number }[] = [];
  let read = 0;
  chunks(input).forEach((chunk, index) => {
    const record = parseJsonText(chunk);
    if (!isObj(record)) {
      result.skipped.push({ name: `Record ${index + 1}`, reason: 'this record of the .1pif file is not valid JSON.' });
      return;
    }
    read++;
    const type = text(record, 'typeName');
    if (type.startsWith('system.folder.')) {
      if (text(record, 'uuid') !== '') folders.set(text(record, 'uuid'), { title: text(record, 'title'), parent: text(record, 'folderUuid') });
    } else if (type !== 'system.Tombstone') items.push({ record, index });
  });
  if (read === 0) throw new InteropError('Damaged', 'This is not a 1Password .1pif export (no record in it could be read).');
  items.forEach(({ record }, i) => result.entries.push(recordEntry(record, i, folders)));
  return result;
}
