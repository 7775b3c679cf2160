// Owns how the Audit screen names people, groups and keys instead of showing their ids: a name book gathered from what
// this person may see (the vault's users, the principals a key can be granted to, and the names the log itself wrote
// when a user or group was added or removed), with "removed user" and a short id only where no name is known.

import { SYSTEM_ACTOR } from '../../vault';

export type PrincipalKind = 'user' | 'group';

export interface NameEntry {
  readonly name: string;
  readonly kind: PrincipalKind;
  /** Not in the vault's directory any more: the name comes from the log. */
  readonly removed: boolean;
}

/** What a name book is made from: the directory's current people and groups, and names found in the log. */
export interface NameSources {
  readonly current: readonly { id: string; name: string; kind: PrincipalKind }[];
  readonly fromLog: readonly { id: string; name: string; kind: PrincipalKind }[];
}

export type NameBook = ReadonlyMap<string, NameEntry>;

export const EMPTY_BOOK: NameBook = new Map();

/** The actions whose details name a user or group as it was added or removed (read for names only). */
export const NAMING_ACTIONS: readonly string[] = ['user.add', 'user.remove', 'group.create'];

/** The ids the directory holds now win; the log's names fill in the rest (the newest name of an id wins). */
export function nameBook(sources: NameSources): NameBook {
  const book = new Map<string, NameEntry>();
  for (const p of sources.fromLog) if (p.name !== '') book.set(p.id, { name: p.name, kind: p.kind, removed: true });
  for (const p of sources.current) if (p.name !== '') book.set(p.id, { name: p.name, kind: p.kind, removed: false });
  return book;
}

/** Names a log entry's details give: user.add/user.remove {userId, name}, group.create {groupId, name}. */
export function namesInDetails(action: string, details: Readonly<Record<string, unknown>>): { id: string; name: string; kind: PrincipalKind }[] {
  const name = details.name;
  if (typeof name !== 'string' || name === '') return [];
  if ((action === 'user.add' || action === 'user.remove') && typeof details.userId === 'string') return [{ id: details.userId, name, kind: 'user' }];
  if (action === 'group.create' && typeof details.groupId === 'string') return [{ id: details.groupId, name, kind: 'group' }];
  return [];
}

/** The first characters of an id, for the rare entry whose person or group no name is known for. */
export function shortId(id: string): string {
  return id.length <= 8 ? id : `${id.slice(0, 6)}…`;
}

/** "Ivy Auditor", "Ivy Auditor (removed)", or "a removed user (XNY67T…)" when no name is known. */
export function principalName(id: string, book: NameBook, kind: PrincipalKind | null = null): string {
  const known = book.get(id);
  if (known !== undefined) return known.removed ? `${known.name} (removed)` : known.name;
  const what = kind === 'group' ? 'a removed group' : kind === 'user' ? 'a removed user' : 'a removed user or group';
  return `${what} (${shortId(id)})`;
}

/** Who made an entry: "Keyward (automatic)", their name, or a removed user. `actorName` is the vault's, when it has one. */
export function whoDid(actor: string, actorName: string | null, book: NameBook): string {
  if (actor === SYSTEM_ACTOR) return 'Keyward (automatic)';
  if (actor === 'unknown') return 'Unknown person';
  if (actorName !== null && actorName !== '') return actorName;
  const known = book.get(actor);
  if (known !== undefined) return known.removed ? `${known.name} (removed)` : known.name;
  return `A removed user (${shortId(actor)})`;
}

/** The book with the people of the sign-in list added (current users the directory did not list, e.g. outside the ledger). */
export function withPeople(book: NameBook, people: readonly { id: string; name: string }[]): NameBook {
  const missing = people.filter((p) => p.name !== '' && book.get(p.id)?.removed !== false);
  if (missing.length === 0) return book;
  const out = new Map(book);
  for (const p of missing) out.set(p.id, { name: p.name, kind: 'user', removed: false });
  return out;
}
