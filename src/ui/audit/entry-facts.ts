// Owns an audit entry's details as a person reads them: facts with names instead of ids (people, groups, keys), the
// client (browser and platform) set apart so the row can fold it away, and the raw ids kept for "More". Plain text
// only: nothing here is ever HTML.

import { principalName, shortId, type NameBook, type PrincipalKind } from './audit-names';
import { countsText } from './audit-text';
import { formatCount, formatDateTime } from '../shared';

export interface Fact {
  readonly label: string;
  readonly value: string;
}

export interface EntryFacts {
  /** What the row shows: what happened, with names. */
  readonly facts: Fact[];
  /** Ids and codes for whoever needs them (under "More"). */
  readonly technical: Fact[];
  /** "Chrome 156 on Linux", or null when the entry names no client. */
  readonly client: string | null;
}

/** Words for the detail fields the log writes; any other field shows its name split into words. */
const LABELS: Readonly<Record<string, string>> = Object.freeze({
  recordedWhileLocked: 'recorded while locked',
  ownPassword: 'own password',
  backupCreatedAt: 'backup made',
  createdAt: 'backup made',
  iterations: 'password rounds',
  sameVault: 'same vault',
  olderThanVault: 'older than this vault',
  trimmedThrough: 'trimmed through entry',
  archivedEntries: 'entries archived',
  rekeyed: 're-keyed',
  keysRekeyed: 'keys re-keyed',
  keysNotRekeyed: 'keys not re-keyed',
  groupsRekeyed: 'groups re-keyed',
  groupsNotRekeyed: 'groups not re-keyed',
  grantsRewrapped: 'grants re-wrapped',
  leftOut: 'left out',
  signingKey: 'signing key',
  unreadable: 'details',
});

/** Fields that are ids or hashes: under "More", never in the row. */
const TECHNICAL = new Set(['slotId', 'archiveHead', 'kind']);

/** The exact time of an entry, with seconds (in a title and under "More"; the row shows it to the minute). */
export function exactTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' });
}

/** "keysNotRekeyed" → "keys not rekeyed". */
export function fieldWords(field: string): string {
  return LABELS[field] ?? field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

function valueText(field: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (field === 'unreadable' && value === true) return 'could not be read';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map((v) => valueText('', v)).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return /At$/.test(field) && value > 0 ? formatDateTime(value) : formatCount(value);
  if (typeof value === 'object') {
    const counts = value as Record<string, unknown>;
    if (field === 'counts' && Object.values(counts).every((n) => typeof n === 'number')) return countsText(counts as Record<string, number>) || '—';
    return JSON.stringify(value);
  }
  return String(value);
}

function kindOf(value: unknown): PrincipalKind | null {
  return value === 'user' || value === 'group' ? value : null;
}

/**
 * An entry's details for the row. `book` names people and groups; `keyNames` names keys. A user or group added or
 * removed names itself in the same details, which is used when the book does not know it.
 */
export function entryFacts(action: string, details: Readonly<Record<string, unknown>>, book: NameBook, keyNames: ReadonlyMap<string, string>): EntryFacts {
  const facts: Fact[] = [];
  const technical: Fact[] = [];
  const ownName = typeof details.name === 'string' && details.name !== '' ? details.name : null;
  const named = (id: string, kind: PrincipalKind | null): string => {
    if (book.has(id) || ownName === null) return principalName(id, book, kind);
    return ownName;
  };
  let client: string | null = null;
  for (const field of Object.keys(details)) {
    const value = details[field];
    if (field === 'client') {
      client = typeof value === 'string' && value !== '' ? value : null;
      continue;
    }
    if ((field === 'userId' || field === 'groupId') && typeof value === 'string') {
      const kind: PrincipalKind = field === 'userId' ? 'user' : 'group';
      facts.push({ label: kind, value: named(value, kind) });
      technical.push({ label: `${kind} id`, value });
      continue;
    }
    if (field === 'principal' && typeof value === 'string') {
      const label = action === 'key.grant' ? 'to' : action === 'key.revoke' ? 'from' : 'who';
      facts.push({ label, value: principalName(value, book, kindOf(details.kind)) });
      technical.push({ label: 'id', value });
      continue;
    }
    if (field === 'members' && Array.isArray(value)) {
      facts.push({ label: 'members', value: value.length === 0 ? '—' : value.map((id) => (typeof id === 'string' ? principalName(id, book, 'user') : valueText('', id))).join(', ') });
      continue;
    }
    if (field === 'ids' && Array.isArray(value)) {
      facts.push({ label: 'keys', value: value.map((id) => (typeof id === 'string' ? (keyNames.get(id) ?? `a key (${shortId(id)})`) : valueText('', id))).join(', ') || '—' });
      technical.push({ label: 'key ids', value: valueText('', value) });
      continue;
    }
    // The name of a user or group added or removed is said by the "user"/"group" fact.
    if (field === 'name' && ownName !== null && (typeof details.userId === 'string' || typeof details.groupId === 'string')) continue;
    if (TECHNICAL.has(field)) {
      if (field === 'kind' && typeof details.principal !== 'string') facts.push({ label: fieldWords(field), value: valueText(field, value) });
      else technical.push({ label: fieldWords(field), value: valueText(field, value) });
      continue;
    }
    facts.push({ label: fieldWords(field), value: valueText(field, value) });
  }
  return { facts, technical, client };
}

/** The client every entry of a page shares, to say once above them; null when they differ or none has one. */
export function sharedClient(clients: readonly (string | null)[]): string | null {
  if (clients.length < 2) return null;
  const first = clients[0];
  if (first === null || first === undefined) return null;
  return clients.every((c) => c === first) ? first : null;
}
