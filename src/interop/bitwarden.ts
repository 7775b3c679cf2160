// Owns reading Bitwarden's JSON export (issue #16): individual (folders) and organization (collections) exports,
// plain or password-protected (decrypted by bitwarden-crypto.ts), every item type as one normalized entry, and
// the test that tells a Bitwarden JSON export from other JSON.
import { parseJson } from '../crypto';
import { decryptProtectedExport } from './bitwarden-crypto';
import { InteropError, type EntryField, type ImportEntry, type ImportResult, type SkippedEntry } from './model';
import { hostOrText } from './url-host';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function get(obj: Obj, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** A text member; null, missing and non-text values are ''. Numbers and booleans are written out. */
function text(obj: Obj, key: string): string {
  const v = get(obj, key);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

function list(obj: Obj, key: string): unknown[] {
  const v = get(obj, key);
  return Array.isArray(v) ? v : [];
}

function parse(textIn: string): unknown {
  try {
    return parseJson(textIn.charCodeAt(0) === 0xfeff ? textIn.slice(1) : textIn);
  } catch {
    return undefined;
  }
}

/** True for Bitwarden's JSON export, plain (items with folders or collections) or encrypted. */
export function isBitwardenJson(input: string): boolean {
  if (!/^\s*\{/.test(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input) || !/"(items|encrypted)"/.test(input)) return false;
  const file = parse(input);
  if (!isObj(file)) return false;
  if (get(file, 'encrypted') === true) return typeof get(file, 'data') === 'string' || Array.isArray(get(file, 'items'));
  const items = get(file, 'items');
  if (!Array.isArray(items)) return false;
  if (typeof get(file, 'encrypted') === 'boolean' || Array.isArray(get(file, 'folders')) || Array.isArray(get(file, 'collections'))) return true;
  const first: unknown = items[0];
  return isObj(first) && typeof get(first, 'type') === 'number' && typeof get(first, 'name') === 'string';
}

/** Folder or collection id → name. */
function names(file: Obj, key: 'folders' | 'collections'): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of list(file, key)) if (isObj(f) && typeof get(f, 'id') === 'string') out.set(get(f, 'id') as string, text(f, 'name'));
  return out;
}

function groupOf(item: Obj, folders: Map<string, string>, collections: Map<string, string>): string {
  const folderId = get(item, 'folderId');
  if (typeof folderId === 'string' && folders.has(folderId)) return folders.get(folderId)!;
  for (const id of list(item, 'collectionIds')) if (typeof id === 'string' && collections.has(id)) return collections.get(id)!;
  return '';
}

/** Custom fields: text (0), hidden (1) and boolean (2); linked fields (3) only point at another field and are left out. */
function customFields(item: Obj): EntryField[] {
  const out: EntryField[] = [];
  list(item, 'fields').forEach((f, i) => {
    if (!isObj(f)) return;
    const type = get(f, 'type');
    if (type === 3) return;
    const name = text(f, 'name') || `Field ${i + 1}`;
    const raw = text(f, 'value');
    const value = type === 2 ? String(raw.trim().toLowerCase() === 'true') : raw;
    out.push({ name, value, hidden: type === 1 });
  });
  return out;
}

/** Visible fields from named members of a detail object, in order, leaving out empty ones. */
function details(obj: unknown, labels: readonly (readonly [string, string])[]): EntryField[] {
  if (!isObj(obj)) return [];
  return labels.map(([key, name]) => ({ name, value: text(obj, key), hidden: false })).filter((f) => f.value !== '');
}

const CARD = [
  ['cardholderName', 'Cardholder name'],
  ['brand', 'Brand'],
  ['expMonth', 'Expiry month'],
  ['expYear', 'Expiry year'],
  ['code', 'Security code'],
] as const;

const IDENTITY = [
  ['title', 'Title'],
  ['firstName', 'First name'],
  ['middleName', 'Middle name'],
  ['lastName', 'Last name'],
  ['company', 'Company'],
  ['email', 'Email'],
  ['phone', 'Phone'],
  ['address1', 'Address 1'],
  ['address2', 'Address 2'],
  ['address3', 'Address 3'],
  ['city', 'City'],
  ['state', 'State'],
  ['postalCode', 'Postal code'],
  ['country', 'Country'],
  ['ssn', 'Social security number'],
  ['passportNumber', 'Passport number'],
  ['licenseNumber', 'License number'],
] as const;

const SSH = [
  ['publicKey', 'Public key'],
  ['keyFingerprint', 'Fingerprint'],
] as const;

const TYPE_NAMES: Record<number, string> = { 1: 'login', 2: 'secure note', 3: 'card', 4: 'identity', 5: 'SSH key' };

interface Parts {
  value: string;
  username: string;
  url: string;
  totp: string;
  fields: EntryField[];
}

/** The type-specific parts of an item, or null for a type Keyward does not know. */
function partsOf(item: Obj, type: unknown): Parts | null {
  const none: Parts = { value: '', username: '', url: '', totp: '', fields: [] };
  switch (type) {
    case 1: {
      const login = get(item, 'login');
      if (!isObj(login)) return none;
      const uris = list(login, 'uris').map((u) => (isObj(u) ? text(u, 'uri') : '')).filter((u) => u !== '');
      const more = uris.slice(1).map((value, i) => ({ name: `URL ${i + 2}`, value, hidden: false }));
      return { value: text(login, 'password'), username: text(login, 'username'), url: uris[0] ?? '', totp: text(login, 'totp'), fields: more };
    }
    case 2:
      return none;
    case 3: {
      const card = get(item, 'card');
      return { ...none, value: isObj(card) ? text(card, 'number') : '', fields: details(card, CARD) };
    }
    case 4: {
      const identity = get(item, 'identity');
      return { ...none, username: isObj(identity) ? text(identity, 'username') : '', fields: details(identity, IDENTITY) };
    }
    case 5: {
      const ssh = get(item, 'sshKey');
      return { ...none, value: isObj(ssh) ? text(ssh, 'privateKey') : '', fields: details(ssh, SSH) };
    }
    default:
      return null;
  }
}

interface Books {
  folders: Map<string, string>;
  collections: Map<string, string>;
}

function entryOf(item: Obj, index: number, books: Books): ImportEntry | SkippedEntry {
  const title = text(item, 'name').trim() === '' ? '' : text(item, 'name');
  const type = get(item, 'type');
  const parts = partsOf(item, type);
  if (parts === null) {
    return { name: title || `Item ${index + 1}`, reason: `it is a kind of Bitwarden item Keyward does not read (type ${typeof type === 'number' ? type : 'unknown'}).` };
  }
  const name = title || (parts.url !== '' ? hostOrText(parts.url) : '') || parts.username || `${TYPE_NAMES[type as number] ?? 'Item'} ${index + 1}`;
  return {
    name,
    value: parts.value,
    username: parts.username,
    url: parts.url,
    notes: text(item, 'notes'),
    totp: parts.totp,
    group: groupOf(item, books.folders, books.collections),
    fields: [...parts.fields, ...customFields(item)],
  };
}

/** The entries of an unencrypted export (the file itself, or what a password-protected one decrypts to). */
function readPlain(file: Obj): ImportResult {
  const items = get(file, 'items');
  if (!Array.isArray(items)) throw new InteropError('Damaged', 'This Bitwarden export has no list of items.');
  const books = { folders: names(file, 'folders'), collections: names(file, 'collections') };
  const result: ImportResult = { format: 'bitwarden-json', entries: [], skipped: [] };
  items.forEach((item: unknown, index) => {
    if (!isObj(item)) {
      result.skipped.push({ name: `Item ${index + 1}`, reason: 'it is not a Bitwarden item (the file may have been edited).' });
      return;
    }
    const out = entryOf(item, index, books);
    if ('reason' in out) result.skipped.push(out);
    else result.entries.push(out);
  });
  return result;
}

function parseFile(input: string, what: string): Obj {
  const file = parse(input);
  if (!isObj(file)) throw new InteropError('Damaged', `${what} is not a Bitwarden JSON export (it is not a JSON object).`);
  return file;
}

/**
 * Reads a Bitwarden JSON export. A password-protected export needs its file password (PasswordNeeded without one,
 * WrongPassword for another); an account-restricted export (encrypted with the account's key) is Unsupported.
 */
export async function parseBitwardenJson(input: string, password?: string): Promise<ImportResult> {
  const file = parseFile(input, 'This file');
  if (get(file, 'encrypted') !== true) return readPlain(file);
  if (get(file, 'passwordProtected') !== true) {
    throw new InteropError(
      'Unsupported',
      'This Bitwarden export is "account restricted": it is encrypted with your Bitwarden account key, which only Bitwarden can use. In Bitwarden, export again as .json (Encrypted) with the type "Password protected" and a file password, or as plain .json.',
    );
  }
  if (password === undefined || password === '') throw new InteropError('PasswordNeeded', 'This Bitwarden export is protected by a file password. Enter the password it was exported with.');
  const inner = parseFile(await decryptProtectedExport(file, password), 'The decrypted data');
  if (get(inner, 'encrypted') === true) throw new InteropError('Damaged', 'This Bitwarden export decrypts to another encrypted export, which Keyward does not read.');
  return readPlain(inner);
}
