// Owns the import benchmarks (issue #16): 10,000 entries of a KeePass database (KDBX 4) and of a Bitwarden JSON
// export, read, planned and imported into a fresh vault in one transaction, beside a floor of the parse alone plus
// the same crypto and the same writes done bare (bench/floors.ts).

import { MIN_ITERATIONS } from '../src/crypto';
import { readImportFile } from '../src/interop';
import { writeKdbx } from '../src/interop/kdbx-export';
import { openVault, planImport, type Session, type Vault } from '../src/vault';
import { makeValue } from './data';
import { cryptoChains, deleteDatabase, describeSteps, openRaw, plainBytes, putAll, readAll, type CryptoStep, type FloorPart } from './floors';

/** The entries in each imported file. */
export const IMPORT_ENTRIES = 10_000;
const PASSWORD = 'Bench-import-Cobalt-2231-meadow';
const FILE_PASSWORD = 'Bench-file-Walnut-7745-harbor';
const RUN_DB = 'keyward-bench-import';
const FLOOR_DB = 'keyward-bench-import-floor';
const STORES = ['keys', 'versions', 'grants'] as const;

interface ImportOperation {
  name: string;
  runs: number;
  prepare(): Promise<() => Promise<unknown>>;
  after(): Promise<void>;
  floor(): Promise<FloorPart[]>;
}

function entryName(i: number): string {
  return `service-${String(i).padStart(5, '0')} ${['api token', 'webhook secret', 'database password', 'deploy key'][i % 4]}`;
}

/** A Bitwarden individual export: logins in 20 folders, each with a username, a URL and a note. */
function bitwardenJson(): Uint8Array {
  const folders = Array.from({ length: 20 }, (_, f) => ({ id: `f-${f}`, name: `Team ${f}` }));
  const items = Array.from({ length: IMPORT_ENTRIES }, (_, i) => ({
    id: `item-${i}`,
    organizationId: null,
    folderId: `f-${i % 20}`,
    type: 1,
    reprompt: 0,
    name: entryName(i),
    notes: i % 3 === 0 ? `Rotated by the platform team; ticket OPS-${i}.` : null,
    favorite: false,
    fields: [],
    login: { username: `svc-${i}@example.com`, password: makeValue(i), totp: null, uris: [{ match: null, uri: `https://svc${i}.example.com` }] },
    collectionIds: null,
  }));
  return new TextEncoder().encode(JSON.stringify({ encrypted: false, folders, items }, null, 2));
}

/** A KDBX 4 database written by Keyward's own exporter (Argon2id), one entry per key, no history. */
async function kdbxFile(): Promise<Uint8Array> {
  const now = Date.now();
  const keys = Array.from({ length: IMPORT_ENTRIES }, (_, i) => ({
    name: entryName(i),
    tags: [`Team ${i % 20}`],
    notes: i % 3 === 0 ? `Rotated by the platform team; ticket OPS-${i}.` : '',
    created: now,
    updated: now,
    versions: [{ value: makeValue(i), created: now }],
  }));
  return writeKdbx(keys, FILE_PASSWORD);
}

interface Opened {
  vault: Vault;
  session: Session;
}

async function freshVault(dbName: string): Promise<Opened> {
  await deleteDatabase(dbName);
  const vault = await openVault({ dbName, kdfFloor: MIN_ITERATIONS });
  const session = await vault.create({ ownerName: 'Bench Importer', password: PASSWORD, iterations: MIN_ITERATIONS });
  return { vault, session };
}

async function close(opened: Opened | null): Promise<void> {
  if (opened === null) return;
  await opened.session.lock().catch(() => undefined);
  opened.vault.close();
}

function importOperation(name: string, format: 'kdbx' | 'bitwarden-json', makeFile: () => Promise<Uint8Array>): ImportOperation {
  let file: Uint8Array | null = null;
  let running: Opened | null = null;
  const options = format === 'kdbx' ? { password: FILE_PASSWORD } : { fileName: 'bitwarden_export.json' };
  const bytes = async (): Promise<Uint8Array> => (file ??= await makeFile());
  return {
    name,
    runs: 3,
    async prepare() {
      const data = await bytes();
      await close(running);
      running = await freshVault(RUN_DB);
      const session = running.session;
      return async () => {
        const plan = planImport(await readImportFile(data, options));
        return session.imports.importKeys(format, plan.keys);
      };
    },
    async after() {
      await close(running);
      running = null;
    },
    async floor() {
      const data = await bytes();
      // One import, untimed, into a database of its own: its rows are what the floor writes again, and their sizes
      // are what the floor seals.
      const opened = await freshVault(FLOOR_DB);
      await opened.session.imports.importKeys(format, planImport(await readImportFile(data, options)).keys);
      await close(opened);
      const raw = await openRaw(FLOOR_DB);
      const keyRows = await readAll<{ sealedMeta: Uint8Array }>(raw, 'keys');
      const versionRows = await readAll<{ sealedValue: Uint8Array | null }>(raw, 'versions');
      const average = (sizes: number[]): number => Math.round(sizes.reduce((s, n) => s + n, 0) / Math.max(1, sizes.length));
      const steps: CryptoStep[] = [
        { op: 'encrypt', bytes: 32 },
        { op: 'encrypt', bytes: average(keyRows.map((k) => plainBytes(k.sealedMeta))) },
        { op: 'encrypt', bytes: average(versionRows.map((v) => plainBytes(v.sealedValue))) },
      ];
      return [
        { label: `parse alone (readImportFile, ${format})`, run: () => readImportFile(data, options) },
        await cryptoChains(keyRows.length, steps, `${keyRows.length.toLocaleString('en')}×(${describeSteps(steps)})`),
        putAll(
          raw,
          async () => (await Promise.all(STORES.map(async (store) => (await readAll(raw, store)).map((value) => ({ store, value }))))).flat(),
          `put ${keyRows.length.toLocaleString('en')} × (key, version, grant), 1 tx`,
        ),
      ];
    },
  };
}

/** The import operations, measured after the others (they use databases of their own, not the seeded vault). */
export const IMPORT_OPERATIONS: readonly ImportOperation[] = [importOperation('import_kdbx', 'kdbx', kdbxFile), importOperation('import_bitwarden_json', 'bitwarden-json', async () => bitwardenJson())];
