// Owns backups of a whole vault: the payload (every store, still encrypted by the vault's own keys),
// export, a check that touches nothing, and restore by replacing the vault in one transaction.

import { fromBase64Url, parseJson, toBase64Url, utf8Decode, utf8Encode } from '../crypto';
import { allRequests, DB, withTx, type KeywardDb, type KeywardSchema, type StoreName } from '../storage';
import { BackupError, BACKUP_VERSION, readBackupFile, writeBackupFile, type BackupHeader, type HeaderInfo } from './backup-file';
import { decodeTree, encodeTree } from './payload-codec';
import { VaultError } from './errors';
import { guarded } from './failures';
import { checkPayloadRows } from './payload-rows';
import { fileStamp } from './file-stamp';

const S = DB.stores;
/** The stores a backup carries. auditPending is folded at unlock and never backed up. */
export const BACKUP_STORES = [S.meta, S.users, S.keys, S.versions, S.grants, S.audit, S.groups, S.members, S.ledger] as const;
/** Stores added after payload version 1's first files: absent in those files, read as empty. */
const LATER_STORES: readonly string[] = [S.groups, S.members, S.ledger];
type BackedUp = (typeof BACKUP_STORES)[number];
export const PAYLOAD_KIND = 'keyward-vault';
export const PAYLOAD_VERSION = 1;
export const APP_VERSION = '0.1.0';

export interface VaultPayload {
  kind: typeof PAYLOAD_KIND;
  version: typeof PAYLOAD_VERSION;
  stores: { [K in BackedUp]: KeywardSchema[K]['value'][] };
}

/**
 * Format version 1 (FORMAT.md §6.5): UTF-8 JSON, bytes as {"$b": base64url}. Still read; written only
 * by tests (and by makeBackupFile's `version` option), so that both readers stay covered.
 */
export function encodePayloadV1(p: VaultPayload): Uint8Array {
  return utf8Encode(JSON.stringify(p, (_k, v: unknown) => (v instanceof Uint8Array ? { $b: toBase64Url(v) } : v)));
}

function decodePayloadV1(bytes: Uint8Array): unknown {
  // parseJson drops __proto__, constructor and prototype members before this reviver sees an object.
  return parseJson(utf8Decode(bytes), (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.$b === 'string' && Object.keys(o).length === 1) return fromBase64Url(o.$b);
    }
    return v;
  });
}

/** The payload in either format version: 1 is JSON, 2 the binary tree encoding (payload-codec.ts). */
export function decodePayload(bytes: Uint8Array, version = 1, copyBytes = true): VaultPayload {
  const p = (version === 1 ? decodePayloadV1(bytes) : decodeTree(bytes, { copyBytes })) as Partial<VaultPayload> | null;
  if (!p || typeof p !== 'object' || p.kind !== PAYLOAD_KIND || p.version !== PAYLOAD_VERSION || typeof p.stores !== 'object' || p.stores === null) throw new TypeError('not a vault payload');
  for (const store of BACKUP_STORES) {
    if (p.stores[store] === undefined && LATER_STORES.includes(store)) (p.stores as Record<string, unknown[]>)[store] = [];
    if (!Array.isArray(p.stores[store])) throw new TypeError(`the payload lacks the ${store} store`);
  }
  const meta = p.stores.meta;
  if (meta.length !== 1 || meta[0]?.id !== 'vault' || p.stores.users.length === 0) throw new TypeError('the payload has no vault');
  // Every row has its fields' types before a restore writes it (found by fuzzing: a version row without its key
  // failed inside the transaction and was reported as a storage failure).
  checkPayloadRows(p.stores as Record<string, unknown[]>);
  return p as VaultPayload;
}

export async function readVaultPayload(db: KeywardDb): Promise<VaultPayload> {
  const stores = await guarded(() =>
    withTx(db, [...BACKUP_STORES], 'readonly', async (tx) => {
      const entries = await Promise.all(BACKUP_STORES.map(async (s) => [s, await tx.objectStore(s).getAll()] as const));
      return Object.fromEntries(entries) as VaultPayload['stores'];
    }),
  );
  return { kind: PAYLOAD_KIND, version: PAYLOAD_VERSION, stores };
}

export function headerInfo(p: VaultPayload, createdAt: number): HeaderInfo {
  const meta = p.stores.meta[0]!;
  return {
    createdAt: new Date(createdAt).toISOString(),
    appVersion: APP_VERSION,
    vaultId: meta.vaultId,
    counts: { users: p.stores.users.length, keys: p.stores.keys.length, versions: p.stores.versions.length, auditEntries: p.stores.audit.length },
    auditHead: { seq: meta.audit.head.seq, mac: toBase64Url(meta.audit.head.mac) },
  };
}

/** Generic over the stores' rows: whatever readVaultPayload returns is encoded as it is. */
export async function makeBackupFile(payload: VaultPayload, password: string, createdAt: number, iterations: number, version = BACKUP_VERSION): Promise<Uint8Array> {
  const bytes = version === 1 ? encodePayloadV1(payload) : encodeTree(payload);
  return writeBackupFile(bytes, password, headerInfo(payload, createdAt), iterations, version);
}

export interface BackupPreview {
  createdAt: string;
  appVersion: string;
  counts: Record<string, number>;
  /** Same vault as the one in this browser (same vault id)? null when this browser has none. */
  sameVault: boolean | null;
  /** For the same vault: the backup's log ends before this browser's log does (so it lacks later changes). */
  olderThanVault: boolean | null;
  header: BackupHeader;
}

/** Decrypts and validates a backup without touching the vault. */
/**
 * `inspectOnly`: the payload is decoded and checked but not kept, so its byte strings may be views into
 * the decrypted buffer instead of copies (each copy is an ArrayBuffer of its own; a restore needs them,
 * since storing a view stores its whole buffer).
 */
export async function openBackup(db: KeywardDb, file: Uint8Array, password: string, inspectOnly = false): Promise<{ preview: BackupPreview; payload: VaultPayload }> {
  const { header, payload: bytes, version } = await readBackupFile(file, password);
  let payload: VaultPayload;
  try {
    payload = decodePayload(bytes, version, !inspectOnly);
  } catch (cause) {
    throw new BackupError('Damaged', 'the payload is not a vault', { cause });
  }
  const current = await guarded(() => db.get(S.meta, 'vault'));
  const sameVault = current ? current.vaultId === payload.stores.meta[0]!.vaultId : null;
  const olderThanVault = current && sameVault ? payload.stores.meta[0]!.audit.head.seq < current.audit.head.seq : null;
  return { preview: { createdAt: header.createdAt, appVersion: header.appVersion, counts: header.counts, sameVault, olderThanVault, header }, payload };
}

/**
 * Replaces everything in this browser's vault with the backup's, in one transaction: a failure leaves
 * the vault exactly as it was. The restore is recorded through the pending store and folded into the
 * (restored) log at the next unlock, since the restored vault's keys are not in memory.
 */
export async function replaceVault(db: KeywardDb, payload: VaultPayload, at: number, client: string): Promise<void> {
  const stores: StoreName[] = [...BACKUP_STORES, S.auditPending];
  await guarded(() =>
    withTx(db, stores, 'readwrite', async (tx) => {
      await allRequests(stores.map((s) => () => tx.objectStore(s).clear()));
      const puts: (() => Promise<unknown>)[] = [];
      for (const s of BACKUP_STORES) {
        const store = tx.objectStore(s);
        for (const row of payload.stores[s]) puts.push(() => store.put(row as never));
      }
      puts.push(() => tx.objectStore(S.auditPending).add({ at, userId: payload.stores.users[0]!.id, action: 'backup.restore', client }));
      await allRequests(puts);
    }),
  );
}

export function backupFilename(at: number): string {
  return `keyward-backup-${fileStamp(at)}.kwbak`;
}

export { BackupError, VaultError };
