// Owns what the two 1Password readers (.1pux export.data and the legacy .1pif) share: reading JSON members safely,
// a section field's value as text, and the rules that turn an item's parts into one normalized entry (which
// field becomes the value, the username, the TOTP; hidden and visible fields; the name of an untitled item).
import { parseJson } from '../crypto';
import type { EntryField, ImportEntry } from './model';
import { hostOrText } from './url-host';

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function get(obj: Obj, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** A text member; numbers and booleans written out; anything else ''. */
export function text(obj: Obj, key: string): string {
  const v = get(obj, key);
  if (typeof v === 'string') return v;
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') return String(v);
  return '';
}

export function list(obj: Obj, key: string): unknown[] {
  const v = get(obj, key);
  return Array.isArray(v) ? v : [];
}

export function obj(o: Obj, key: string): Obj {
  const v = get(o, key);
  return isObj(v) ? v : {};
}

/** JSON.parse without poisoned keys and without a leading byte-order mark; undefined when it is not JSON. */
export function parseJsonText(input: string): unknown {
  try {
    return parseJson(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
  } catch {
    return undefined;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Unix seconds as YYYY-MM-DD (UTC), or the number as text when it is no date. */
function dateText(seconds: number): string {
  const d = new Date(seconds * 1000);
  if (!Number.isFinite(d.getTime())) return String(seconds);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/**
 * A section field's value as text, by its kind: dates (Unix seconds) as YYYY-MM-DD, month-years (YYYYMM) as YYYY-MM,
 * an e-mail object as its address, an address as one line, an SSH key as its private key; files and references ''.
 */
export function valueText(kind: string, v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return '';
    if (kind === 'date') return dateText(v);
    if (kind === 'monthYear' && Number.isInteger(v) && v >= 100000 && v <= 999912) return `${Math.floor(v / 100)}-${pad(v % 100)}`;
    return String(v);
  }
  if (!isObj(v)) return '';
  if (kind === 'email') return text(v, 'email_address');
  if (kind === 'address') return ['street', 'city', 'state', 'zip', 'country'].map((k) => text(v, k).trim()).filter((p) => p !== '').join(', ');
  if (kind === 'sshKey') return text(v, 'privateKey');
  return '';
}

/** A login's form fields split into its username, its password and the rest. */
export interface FormParts {
  username: string;
  password: string;
  fields: EntryField[];
}

const USERNAME_LIKE = /user|login|e-?mail/i;

/**
 * A login's form fields (a .1pux item's loginFields, a .1pif web form's fields; `typeKey` names the member holding
 * the field type). The designated username and password when a field carries the designation; without one, the
 * first filled password-typed field, and the first filled text or e-mail field named like a username. The other
 * fields are kept when filled (checkboxes always, as "true"/"false"; buttons never), password-typed ones hidden.
 */
export function formParts(formFields: unknown[], typeKey: string): FormParts {
  const rows = formFields.filter(isObj).map((f, i) => ({ i, type: text(f, typeKey), designation: text(f, 'designation'), value: text(f, 'value'), name: text(f, 'name') || text(f, 'id') }));
  const choose = (designation: string, fallback: (r: (typeof rows)[number]) => boolean) =>
    rows.some((r) => r.designation === designation) ? rows.find((r) => r.designation === designation) : rows.find((r) => r.designation === '' && r.value !== '' && fallback(r));
  const password = choose('password', (r) => r.type === 'P');
  const username = choose('username', (r) => (r.type === 'T' || r.type === 'E') && USERNAME_LIKE.test(r.name));
  const fields = rows
    .filter((r) => r !== password && r !== username && r.type !== 'B' && (r.value !== '' || r.type === 'C'))
    .map((r) => ({
      name: r.name || `Login field ${r.i + 1}`,
      value: r.type === 'C' ? String(r.value !== '' && r.value !== 'N' && r.value !== 'false') : r.value,
      hidden: r.type === 'P',
    }));
  return { username: username?.value ?? '', password: password?.value ?? '', fields };
}

/** One field of an item's sections, as both formats give it. */
export interface SectionField {
  /** 1Password's id for the field ("password", "username", "ccnum", "TOTP_…"); may be a random id. */
  id: string;
  title: string;
  kind: string;
  value: string;
  section: string;
}

/** The parts of an item before the section fields are sorted out. */
export interface ItemParts {
  title: string;
  value: string;
  username: string;
  urls: string[];
  notes: string;
  group: string;
  tags: string[];
  /** Fields already decided (extra login fields, a document's file name). */
  fields: EntryField[];
  sections: SectionField[];
}

const VALUE_IDS = new Set(['password', 'credential']);
const isTotp = (f: SectionField) => f.kind === 'totp' || (f.kind === 'concealed' && f.id.startsWith('TOTP_')) || f.value.startsWith('otpauth://');
const isCardNumber = (f: SectionField) => f.kind === 'creditCardNumber' || f.id === 'ccnum';

/** 1Password's random ids (26 base-32 characters) name nothing a person would recognise. */
const RANDOM_ID = /^[a-z2-7]{26}$|^[A-Z0-9]{32,}$/;

/** A field name not yet used in the entry: the title (or section title, or a meaningful id), then "<section> <title>", then a number. */
function uniqueName(used: Set<string>, f: SectionField): string {
  const base = f.title.trim() || f.section.trim() || (RANDOM_ID.test(f.id) ? '' : f.id) || 'Field';
  const candidates = [base, f.title.trim() && f.section.trim() ? `${f.section.trim()} ${base}` : ''];
  let name = candidates.find((c) => c !== '' && !used.has(c));
  for (let n = 2; name === undefined; n++) if (!used.has(`${base} ${n}`)) name = `${base} ${n}`;
  used.add(name);
  return name;
}

/**
 * One entry from an item's parts. When the item has no password of its own, the first non-empty concealed field
 * with the id "password" or "credential" (server, database, wireless router, API credential), or else a card's
 * number, or else an SSH key's private key, becomes the value; a section "username" fills an empty username; the first TOTP is the entry's TOTP.
 * Other non-empty section fields are fields, concealed ones (and SSH keys) hidden. Tags become the entry's tags.
 */
export function entryFrom(parts: ItemParts, index: number, kindName: string): ImportEntry {
  let { value, username } = parts;
  let totp = '';
  const sections = parts.sections.filter((f) => f.value !== '');
  const taken = new Set<SectionField>();
  const take = (f: SectionField | undefined): string => {
    if (f === undefined) return '';
    taken.add(f);
    return f.value;
  };
  if (value === '') value = take(sections.find((f) => f.kind === 'concealed' && VALUE_IDS.has(f.id)) ?? sections.find(isCardNumber) ?? sections.find((f) => f.kind === 'sshKey'));
  if (username === '') username = take(sections.find((f) => f.id === 'username' && f.kind !== 'concealed'));
  totp = take(sections.find(isTotp));
  const used = new Set(parts.fields.map((f) => f.name));
  const urlFields = parts.urls.slice(1).map((url, i) => ({ name: `URL ${i + 2}`, value: url, hidden: false }));
  for (const f of urlFields) used.add(f.name);
  const sectionFields = sections.filter((f) => !taken.has(f)).map((f) => ({ name: uniqueName(used, f), value: f.value, hidden: f.kind === 'concealed' || f.kind === 'sshKey' }));
  const tags = parts.tags.filter((t) => t.trim() !== '');
  const url = parts.urls[0] ?? '';
  const name = parts.title.trim() !== '' ? parts.title : (url !== '' ? hostOrText(url) : '') || username || `${kindName} ${index + 1}`;
  return {
    name,
    value,
    username,
    url,
    notes: parts.notes,
    totp,
    group: parts.group,
    fields: [...urlFields, ...parts.fields, ...sectionFields],
    ...(tags.length > 0 ? { tags } : {}),
  };
}
