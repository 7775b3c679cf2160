// Owns writing keys as a KDBX 4 database (issue #16): AES-256 with Argon2id, one entry per key, its older
// versions as the entry's history, so the vault can always leave for KeePassXC or KeePass 2.
import type { Kdbx, KdbxEntry, KdbxGroup } from 'kdbxweb';
import { kdbx } from './kdbx-engine';
import { InteropError } from './model';

export interface ExportKey {
  name: string;
  tags: string[];
  notes: string;
  /** Milliseconds since the epoch. */
  created: number;
  updated: number;
  /** Oldest first; the last one is the current value. */
  versions: { value: string; created: number }[];
}

/**
 * The database's key derivation: Argon2id with 64 MiB, 3 passes and 2 lanes (RFC 9106's second recommended
 * setting, and KeePassXC's default memory and lanes). It takes a few hundred milliseconds to open, in KeePassXC and
 * here; the bounds in kdbx-engine.ts let Keyward read its own export back.
 */
export const EXPORT_KDF: KdfSettings = { memoryBytes: 64 * 1024 * 1024, passes: 3, lanes: 2 };

export interface KdfSettings {
  memoryBytes: number;
  passes: number;
  lanes: number;
}

/** Characters XML 1.0 cannot hold; KeePassXC refuses a database whose XML has them. */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function xmlSafe(text: string): string {
  return String(text ?? '').replace(XML_INVALID, '');
}

function date(ms: number, fallback: Date): Date {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms) : fallback;
}

/**
 * Where a key goes: the group named after its first tag (created under the root on first use), or the root group
 * when it has no tag. One group per first tag keeps a large vault navigable in KeePass 2's and KeePassXC's group
 * tree, and reading the export back into Keyward gives that tag again (group -> tag); every tag is also in the
 * entry's Tags, which KeePassXC shows and searches.
 */
function groupFor(db: Kdbx, root: KdbxGroup, groups: Map<string, KdbxGroup>, tags: string[]): KdbxGroup {
  const name = xmlSafe(tags[0] ?? '').trim();
  if (name === '') return root;
  let group = groups.get(name);
  if (!group) {
    group = db.createGroup(root, name);
    groups.set(name, group);
  }
  return group;
}

/** One version of the key as the entry's state: the same title, notes and tags, this value and this time. */
function setState(entry: KdbxEntry, key: ExportKey, value: string, modified: Date, created: Date): void {
  const lib = kdbx();
  entry.fields.set('Title', xmlSafe(key.name));
  entry.fields.set('Password', lib.ProtectedValue.fromString(String(value ?? '')));
  entry.fields.set('Notes', xmlSafe(key.notes));
  entry.tags = (key.tags ?? []).map((tag) => xmlSafe(tag).trim()).filter((tag) => tag !== '');
  entry.times.creationTime = created;
  entry.times.lastModTime = modified;
  entry.times.lastAccessTime = modified;
  entry.times.locationChanged = created;
}

function addKey(db: Kdbx, group: KdbxGroup, key: ExportKey, now: Date): void {
  const lib = kdbx();
  const entry = db.createEntry(group);
  const created = date(key.created, now);
  const versions = key.versions ?? [];
  // History first (oldest first, as KeePass keeps it): each older version is a copy of the entry at that time.
  for (const version of versions.slice(0, -1)) {
    setState(entry, key, version.value, date(version.created, created), created);
    const past = new lib.KdbxEntry();
    past.copyFrom(entry);
    entry.history.push(past);
  }
  const current = versions[versions.length - 1];
  setState(entry, key, current?.value ?? '', date(key.updated, current ? date(current.created, created) : created), created);
}

/**
 * The keys as a KDBX 4 database opened by `password`; throws InteropError only. `kdf` is for tests that write many
 * databases (the fuzz test); an export always uses EXPORT_KDF.
 */
export async function writeKdbx(keys: ExportKey[], password: string, kdf: KdfSettings = EXPORT_KDF): Promise<Uint8Array> {
  if (typeof password !== 'string' || password === '') throw new InteropError('PasswordNeeded', 'A KeePass export needs a password of its own.');
  try {
    const lib = kdbx();
    const db = lib.Kdbx.create(new lib.KdbxCredentials(lib.ProtectedValue.fromString(password)), 'Keyward');
    db.setVersion(4);
    db.setKdf(lib.Consts.KdfId.Argon2id);
    const params = db.header.kdfParameters!;
    params.set('M', lib.VarDictionary.ValueType.UInt64, new lib.Int64(kdf.memoryBytes));
    params.set('I', lib.VarDictionary.ValueType.UInt64, new lib.Int64(kdf.passes));
    params.set('P', lib.VarDictionary.ValueType.UInt32, kdf.lanes);
    db.header.dataCipherUuid = new lib.KdbxUuid(lib.Consts.CipherId.Aes);
    // Keep every version: KeePass and KeePassXC trim history to these limits on the next edit; -1 is "no limit".
    db.meta.historyMaxItems = -1;
    db.meta.historyMaxSize = -1;
    const now = new Date();
    const root = db.getDefaultGroup();
    const groups = new Map<string, KdbxGroup>();
    for (const key of keys) addKey(db, groupFor(db, root, groups, key.tags ?? []), key, now);
    return new Uint8Array(await db.save());
  } catch (error) {
    if (error instanceof InteropError) throw error;
    throw new InteropError('Damaged', 'Keyward could not write the KeePass database.');
  }
}
