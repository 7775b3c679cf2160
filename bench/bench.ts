// Owns the in-page half of the benchmark (issue #7): seeds a vault through the public vault API, then
// times each vault operation beside its floor (bench/floors.ts) in the same page. scripts/bench.mjs
// drives it through window.keywardBench; the UI figures (list render, search) are measured on the real
// app by bench/node/ui.mjs.
//
// Adding an operation: append one entry to OPERATIONS below — `prepare` (untimed setup returning the
// timed call through the vault API) and `floor` (named parts, each prepared untimed and timed on its
// own). scripts/bench.mjs measures and reports every entry; OPERATION_ORDER in bench/node/report.mjs
// only fixes where it appears in the table.

import { DEFAULT_ITERATIONS } from '../src/crypto';
import { openVault, type KeyId, type KeySummary, type Session, type Vault } from '../src/vault';
import { cryptoChains, describeSteps as describe, ENVELOPE_OVERHEAD, deleteDatabase, getAll, getOne, openRaw, pbkdf2, plainBytes as plain, putAll, readAll, readLast, readOne, type CryptoStep, type FloorPart } from './floors';
import { makeKeyInput, makeValue } from './data';
import { IMPORT_OPERATIONS } from './import-ops';
import { passkeyUnlockOperation } from './passkey-op';
import { ledgerVerifyOperation } from './ledger-op';
import { installXmlOnlyDomParser } from '../src/shell/xml-parser';

// The page runs under the app's CSP (Trusted Types): the KDBX writer and reader parse XML as the app does.
installXmlOnlyDomParser(window as unknown as Parameters<typeof installXmlOnlyDomParser>[0]);

/** The vault's database: the app opens this one, so the seeded vault is the one the real app unlocks. */
const DB_NAME = 'keyward';
const DEK_BYTES = 32;

// Row shapes as stored (src/storage/schema.ts); only what the floors read.
interface KeyRowLike {
  id: string;
  currentVersion: number;
  sealedMeta: Uint8Array;
}
interface VersionRowLike {
  keyId: string;
  version: number;
  sealedValue: Uint8Array | null;
}
interface GrantRowLike {
  keyId: string;
  principalId: string;
}
interface AuditRowLike {
  seq: number;
  sealedDetails: Uint8Array;
}
type Put = { store: string; value: unknown };

export interface SeedOptions {
  keys: number;
  password: string;
  iterations?: number;
  /** createKey calls in flight at once (the session writes one after another; this overlaps their crypto). */
  concurrency?: number;
}

export interface SeedResult {
  keys: number;
  versions: number;
  ms: number;
  iterations: number;
  names: string[];
}

export interface OpResult {
  name: string;
  /** Milliseconds of each timed run of the operation. */
  samples: number[];
  /** Per run: milliseconds of each floor part, in the parts' order. */
  floorSamples: number[][];
  floorLabels: string[];
  /** Milliseconds of named steps inside the timed runs (see split()), for the table's notes. */
  splits: Record<string, number[]>;
}

interface Ctx {
  vault: Vault;
  password: string;
  raw: IDBDatabase;
  /** An unlocked session with every key loaded (for the operations that need one). */
  session(): Promise<Session>;
  keys(): Promise<KeySummary[]>;
}

interface Operation {
  name: string;
  runs: number;
  /** One untimed run before the timed ones (cheap operations: JIT and first-call costs are not the point). */
  warmup?: boolean;
  /** Untimed preparation of run `i`; returns the timed call, made through the public vault API. */
  prepare(ctx: Ctx, i: number): Promise<() => Promise<unknown>>;
  /** Untimed, after each run, with what the timed call returned. */
  after?(result: unknown): void | Promise<void>;
  /** Prepared once (untimed); each part is then timed in every run. */
  floor(ctx: Ctx): Promise<FloorPart[]>;
}

/** Real rows of the vault, for floor sizes and for floor writes (put back unchanged). */
async function rowsOf(raw: IDBDatabase, id: string): Promise<{ key: KeyRowLike; version: VersionRowLike; grant: GrantRowLike }> {
  const key = await readOne<KeyRowLike>(raw, 'keys', id);
  if (!key) throw new Error(`bench: key ${id} is missing`);
  const version = await readOne<VersionRowLike>(raw, 'versions', [id, key.currentVersion]);
  const grants = (await readAll<GrantRowLike>(raw, 'grants')).filter((g) => g.keyId === id);
  if (!version || !grants[0]) throw new Error(`bench: rows of key ${id} are missing`);
  return { key, version, grant: grants[0] };
}

/** Plaintext bytes inside a sealed envelope. */

const hasAudit = (raw: IDBDatabase): boolean => raw.objectStoreNames.contains('audit');

/**
 * ARCHITECTURE.md §3: a change and its audit entry are written in one transaction, and every use of a
 * value is logged first — so an audited operation's floor includes one entry: its details sealed, its
 * chain HMAC, and the entry plus the vault's head (meta row) in the same transaction. Sizes come from
 * the newest stored entry. Empty where the schema has no audit log.
 */
async function auditSteps(raw: IDBDatabase): Promise<CryptoStep[]> {
  if (!hasAudit(raw)) return [];
  const details = plain((await readLast<AuditRowLike>(raw, 'audit'))?.sealedDetails) || 64;
  // docs/AUDIT.md §2: HMAC over "kw1|audit|" ‖ JSON of the fields (details as base64url) ‖ "|" ‖ previous MAC.
  return [{ op: 'encrypt', bytes: details }, { op: 'hmac', bytes: 140 + Math.ceil(((details + ENVELOPE_OVERHEAD) * 4) / 3) }];
}

async function auditPuts(raw: IDBDatabase): Promise<Put[]> {
  if (!hasAudit(raw)) return [];
  const [last, meta] = await Promise.all([readLast(raw, 'audit'), readOne(raw, 'meta', 'vault')]);
  return [...(last ? [{ store: 'audit', value: last }] : []), ...(meta ? [{ store: 'meta', value: meta }] : [])];
}


/** Pasted secrets with exactly one version, in a stable order: fresh targets for reveal and rotate runs. */
async function singleVersionIds(ctx: Ctx): Promise<KeyId[]> {
  return (await ctx.keys()).filter((k) => k.version === 1 && k.kind === 'secret' && k.format === 'text').map((k) => k.id);
}

async function storedIterations(raw: IDBDatabase): Promise<number> {
  return (await readAll<{ kdf: { iterations: number } }>(raw, 'users'))[0]?.kdf.iterations ?? DEFAULT_ITERATIONS;
}

/** Lock, after the unlock's background audit-chain check is done, so it never runs into the next measurement. */
async function quietLock(session: Session): Promise<void> {
  await session.audit.check().catch(() => undefined);
  await session.lock();
}

const OPERATIONS: Operation[] = [
  {
    // Key derivation + loading + decrypting what the list shows (Session.listKeys), as the app does on unlock.
    name: 'unlock',
    runs: 5,
    // The page's first unlock also compiles the vault code and opens its first transactions.
    warmup: true,
    prepare: async (ctx) => async () => {
      const session = await split('vault.unlock (PBKDF2, user and audit keys, audit entry; reading and decrypting the keys starts inside it)', () => ctx.vault.unlock({ password: ctx.password }));
      await split('session.listKeys (what is left of opening every key)', () => session.keys.list());
      return session;
    },
    after: (session) => quietLock(session as Session),
    floor: async (ctx) => {
      const keys = await readAll<KeyRowLike>(ctx.raw, 'keys');
      const metaBytes = Math.round(keys.reduce((sum, k) => sum + plain(k.sealedMeta), 0) / Math.max(1, keys.length));
      const n = keys.length;
      const audit = await auditSteps(ctx.raw);
      return [
        pbkdf2(await storedIterations(ctx.raw)),
        getAll(ctx.raw, ['grants', 'keys']),
        await cryptoChains(n, [{ op: 'decrypt', bytes: DEK_BYTES }, { op: 'decrypt', bytes: metaBytes }], `${n}×(decrypt ${DEK_BYTES} B → decrypt ${metaBytes} B)`),
        ...(audit.length > 0
          ? [await cryptoChains(1, audit, `audit entry: ${describe(audit)}`), putAll(ctx.raw, () => auditPuts(ctx.raw), 'put audit entry + head, 1 tx')]
          : []),
      ];
    },
  },
  // Issue #18: the same unlock through a passkey (PRF) instead of the password.
  passkeyUnlockOperation<Ctx>({ unlockFloor: (ctx) => OPERATIONS.find((o) => o.name === 'unlock')!.floor(ctx), split, quietLock }),
  {
    name: 'create_key',
    runs: 11,
    warmup: true,
    prepare: async (ctx, i) => {
      const session = await ctx.session();
      const input = makeKeyInput(1_000_000 + i);
      return () => session.keys.create(input);
    },
    floor: async (ctx) => {
      // A key as createKey leaves it: one version, one history event.
      const id = (await singleVersionIds(ctx))[0]!;
      const { key, version } = await rowsOf(ctx.raw, id);
      const steps: CryptoStep[] = [{ op: 'encrypt', bytes: DEK_BYTES }, { op: 'encrypt', bytes: plain(key.sealedMeta) }, { op: 'encrypt', bytes: plain(version.sealedValue) }, ...(await auditSteps(ctx.raw))];
      return [
        await cryptoChains(1, steps, describe(steps)),
        putAll(ctx.raw, async () => {
          const rows = await rowsOf(ctx.raw, id);
          return [{ store: 'keys', value: rows.key }, { store: 'versions', value: rows.version }, { store: 'grants', value: rows.grant }, ...(await auditPuts(ctx.raw))];
        }, `put key, version, grant${hasAudit(ctx.raw) ? ', audit entry, head' : ''}; 1 tx`),
      ];
    },
  },
  {
    // The DEK is in memory since unlock: one read, one decrypt (and the audit entry that must precede the value).
    name: 'reveal_key',
    runs: 11,
    warmup: true,
    prepare: async (ctx, i) => {
      const session = await ctx.session();
      const ids = await singleVersionIds(ctx);
      const id = ids[(i * 997 + 1) % ids.length]!;
      return () => session.keys.reveal(id);
    },
    floor: async (ctx) => {
      const { version } = await rowsOf(ctx.raw, (await singleVersionIds(ctx))[0]!);
      const steps: CryptoStep[] = [{ op: 'decrypt', bytes: plain(version.sealedValue) }, ...(await auditSteps(ctx.raw))];
      return [
        getOne(ctx.raw, 'versions', [version.keyId, version.version]),
        await cryptoChains(1, steps, describe(steps)),
        ...(hasAudit(ctx.raw) ? [putAll(ctx.raw, () => auditPuts(ctx.raw), 'put audit entry + head, 1 tx')] : []),
      ];
    },
  },
  {
    // A pasted secret rotated with its new value from the provider: version n+1, metadata re-sealed (history).
    name: 'rotate_key',
    runs: 11,
    warmup: true,
    prepare: async (ctx, i) => {
      const session = await ctx.session();
      const ids = await singleVersionIds(ctx);
      const id = ids[ids.length - 1]!;
      const value = makeValue(2_000_000 + i);
      return () => session.lifecycle.rotate(id, { value });
    },
    floor: async (ctx) => {
      // Sizes of a key after one rotation: its metadata carries one more history event.
      const rotated = (await ctx.keys()).find((k) => k.version === 2 && k.history.length === 2);
      const id = rotated?.id ?? (await singleVersionIds(ctx))[0]!;
      const { key, version } = await rowsOf(ctx.raw, id);
      const steps: CryptoStep[] = [{ op: 'encrypt', bytes: plain(version.sealedValue) }, { op: 'encrypt', bytes: plain(key.sealedMeta) }, ...(await auditSteps(ctx.raw))];
      return [
        await cryptoChains(1, steps, describe(steps)),
        putAll(ctx.raw, async () => {
          const rows = await rowsOf(ctx.raw, id);
          return [{ store: 'keys', value: rows.key }, { store: 'versions', value: rows.version }, ...(await auditPuts(ctx.raw))];
        }, `put key, version${hasAudit(ctx.raw) ? ', audit entry, head' : ''}; 1 tx`),
      ];
    },
  },
  {
    // Every DEK re-wrapped under a new user key, written in one transaction (Session.rotateUserKey).
    name: 'rotate_user_key',
    runs: 3,
    prepare: async (ctx) => {
      const session = await ctx.session();
      return () => session.credentials.rotateUserKey(ctx.password);
    },
    floor: async (ctx) => {
      const iterations = await storedIterations(ctx.raw);
      const n = (await readAll<GrantRowLike>(ctx.raw, 'grants')).length;
      const audit = await auditSteps(ctx.raw);
      return [
        // The API takes the password: one derivation proves it, one makes the new KEK under a fresh salt.
        pbkdf2(iterations, `PBKDF2 ×${iterations.toLocaleString('en')} (check the password)`),
        pbkdf2(iterations, `PBKDF2 ×${iterations.toLocaleString('en')} (new KEK, fresh salt)`),
        getAll(ctx.raw, ['grants']),
        await cryptoChains(n, [{ op: 'decrypt', bytes: DEK_BYTES }, { op: 'encrypt', bytes: DEK_BYTES }], `${n}×(decrypt ${DEK_BYTES} B → encrypt ${DEK_BYTES} B)`),
        ...(audit.length > 0 ? [await cryptoChains(1, audit, `audit entry: ${describe(audit)}`)] : []),
        putAll(ctx.raw, async () => {
          const [grants, users] = await Promise.all([readAll(ctx.raw, 'grants'), readAll(ctx.raw, 'users')]);
          return [...grants.map((value) => ({ store: 'grants', value })), ...users.slice(0, 1).map((value) => ({ store: 'users', value })), ...(await auditPuts(ctx.raw))];
        }, `put ${n} grants, 1 user${hasAudit(ctx.raw) ? ', audit entry, head' : ''}; 1 tx`),
      ];
    },
  },
  // Backups (issue #5): a whole-vault file with its own PBKDF2 key, 64 KiB AES-GCM chunks (docs/FORMAT.md §6).
  {
    name: 'backup_export',
    runs: 3,
    prepare: async (ctx) => {
      const session = await ctx.session();
      return async () => {
        const out = await session.backup.export({ password: BACKUP_PASSWORD });
        lastBackup = out.bytes;
        return out;
      };
    },
    floor: async (ctx) => {
      const bytes = await backupBytes(ctx);
      const audit = await auditSteps(ctx.raw);
      return [
        pbkdf2(DEFAULT_ITERATIONS, `PBKDF2 ×${DEFAULT_ITERATIONS.toLocaleString('en')} (backup key)`),
        getAll(ctx.raw, BACKUP_STORES),
        await cryptoChains(chunksOf(bytes), [{ op: 'encrypt', bytes: CHUNK }], `${chunksOf(bytes)}×encrypt ${CHUNK} B (the payload)`),
        ...(audit.length > 0 ? [await cryptoChains(1, audit, `audit entry: ${describe(audit)}`), putAll(ctx.raw, () => auditPuts(ctx.raw), 'put audit entry + head, 1 tx')] : []),
      ];
    },
  },
  {
    name: 'backup_verify',
    runs: 3,
    prepare: async (ctx) => {
      const bytes = await backupBytes(ctx);
      return () => ctx.vault.inspectBackup(bytes, BACKUP_PASSWORD);
    },
    floor: async (ctx) => {
      const bytes = await backupBytes(ctx);
      return [
        pbkdf2(DEFAULT_ITERATIONS, `PBKDF2 ×${DEFAULT_ITERATIONS.toLocaleString('en')} (backup key)`),
        await cryptoChains(chunksOf(bytes), [{ op: 'decrypt', bytes: CHUNK }], `${chunksOf(bytes)}×decrypt ${CHUNK} B (the payload)`),
      ];
    },
  },
  {
    // Replace: the same vault comes back (so later runs and operations still find their keys).
    name: 'backup_restore',
    runs: 3,
    prepare: async (ctx) => {
      const bytes = await backupBytes(ctx);
      const current = await ctx.session();
      await quietLock(current);
      return () => ctx.vault.restoreBackup(bytes, BACKUP_PASSWORD);
    },
    floor: async (ctx) => {
      const bytes = await backupBytes(ctx);
      return [
        pbkdf2(DEFAULT_ITERATIONS, `PBKDF2 ×${DEFAULT_ITERATIONS.toLocaleString('en')} (backup key)`),
        await cryptoChains(chunksOf(bytes), [{ op: 'decrypt', bytes: CHUNK }], `${chunksOf(bytes)}×decrypt ${CHUNK} B (the payload)`),
        putAll(ctx.raw, async () => {
          const rows = await Promise.all(BACKUP_STORES.map(async (store) => (await readAll(ctx.raw, store)).map((value) => ({ store, value }))));
          return rows.flat();
        }, `put every row of ${BACKUP_STORES.join(', ')}; 1 tx`),
      ];
    },
  },
  // Audit (issue #4) over AUDIT_ENTRIES entries, seeded (untimed) before the first of these runs.
  {
    // What the Audit screen asks for: totals, counts per action and day, top keys over every entry, and
    // the first page of 50 entries with their details decrypted.
    name: 'audit_report',
    runs: 7,
    warmup: true,
    prepare: async (ctx) => {
      const session = await ctx.session();
      return () => session.audit.report({}, { offset: 0, limit: 50 });
    },
    floor: async (ctx) => {
      const n = await ensureAuditEntries(ctx);
      const details = plain((await readLast<AuditRowLike>(ctx.raw, 'audit'))?.sealedDetails) || 64;
      return [getAll(ctx.raw, ['audit'], `getAll(audit): ${n.toLocaleString('en')} entries`), await cryptoChains(50, [{ op: 'decrypt', bytes: details }], `50×decrypt ${details} B (the page's details)`)];
    },
  },
  {
    // "Verify log": every entry's MAC recomputed and compared, then the check itself logged.
    name: 'audit_verify',
    runs: 3,
    prepare: async (ctx) => {
      const session = await ctx.session();
      return () => session.audit.verifyNow();
    },
    after: (result) => {
      if (!(result as { ok: boolean }).ok) throw new Error(`bench: the audit chain did not verify: ${JSON.stringify(result)}`);
    },
    floor: async (ctx) => {
      const n = await ensureAuditEntries(ctx);
      const [, hmac] = await auditSteps(ctx.raw);
      const audit = await auditSteps(ctx.raw);
      return [
        getAll(ctx.raw, ['audit'], `getAll(audit): ${n.toLocaleString('en')} entries`),
        await cryptoChains(n, [hmac!], `${n.toLocaleString('en')}×HMAC ${hmac!.bytes} B`),
        await cryptoChains(1, audit, `audit entry: ${describe(audit)}`),
        putAll(ctx.raw, () => auditPuts(ctx.raw), 'put audit entry + head, 1 tx'),
      ];
    },
  },
  // Issue #14: checking a ledger of 1,000 signed links, as unlock does (bench/ledger-op.ts).
  ledgerVerifyOperation(),
  // Issue #16: imports of 10,000 entries, each into a fresh vault of its own (bench/import-ops.ts).
  ...IMPORT_OPERATIONS.map((op) => ({ name: op.name, runs: op.runs, prepare: () => op.prepare(), after: () => op.after(), floor: () => op.floor() })),
];

/** Issue #7: the audit operations run over this many entries. */
const AUDIT_ENTRIES = 100_000;
const AUDIT_ACTIONS = ['key.reveal', 'key.copy', 'key.reveal', 'key.export', 'key.rotate', 'key.update', 'unlock', 'lock', 'key.reveal', 'key.state'] as const;

async function countAudit(raw: IDBDatabase): Promise<number> {
  const tx = raw.transaction('audit', 'readonly');
  return new Promise((resolve, reject) => {
    const req = tx.objectStore('audit').count();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * Tops the log up to AUDIT_ENTRIES real, chained entries through Session.recordMany (5,000 per
 * transaction): reveals, copies, rotations… of the seeded keys by the owner, about 3% denied and 1%
 * failed, spread over the last 90 days. Untimed; returns the number of entries.
 */
async function ensureAuditEntries(ctx: Ctx): Promise<number> {
  let have = await countAudit(ctx.raw);
  if (have >= AUDIT_ENTRIES) return have;
  const start = performance.now();
  const session = await ctx.session();
  const ids = (await ctx.keys()).map((k) => k.id);
  const now = Date.now();
  const span = 90 * 24 * 3600 * 1000;
  while (have < AUDIT_ENTRIES) {
    const n = Math.min(5000, AUDIT_ENTRIES - have);
    const events = Array.from({ length: n }, (_, j) => {
      const i = have + j;
      const action = AUDIT_ACTIONS[i % AUDIT_ACTIONS.length]!;
      const keyed = action !== 'unlock' && action !== 'lock';
      const outcome = i % 97 === 0 ? ('failed' as const) : i % 31 === 0 ? ('denied' as const) : ('ok' as const);
      return {
        action,
        keyId: keyed ? ids[(i * 7919) % ids.length]! : null,
        version: keyed ? 1 : null,
        outcome,
        at: now - span + Math.floor((i / AUDIT_ENTRIES) * span),
        details: keyed ? { purpose: 'bench', n: i } : { n: i },
      };
    });
    await session.audit.recordMany(events);
    have += n;
  }
  console.log(`seeded the audit log to ${have.toLocaleString('en')} entries in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  // A fresh unlock (its chain check builds the report index) so the measured session is the app's state.
  await quietLock(session);
  await ctx.session();
  return have;
}

let splits: Record<string, number[]> = {};

const BACKUP_PASSWORD = 'Bench-backup-Marble-9083-orchard';
const BACKUP_STORES = ['meta', 'users', 'keys', 'versions', 'grants', 'audit'];
const CHUNK = 64 * 1024;
let lastBackup: Uint8Array | null = null;
const chunksOf = (bytes: Uint8Array): number => Math.max(1, Math.ceil(bytes.length / (CHUNK + 16)));

/** A backup of the seeded vault, made once (untimed) when an operation needs one before backup_export ran. */
async function backupBytes(ctx: Ctx): Promise<Uint8Array> {
  lastBackup ??= (await (await ctx.session()).backup.export({ password: BACKUP_PASSWORD })).bytes;
  return lastBackup;
}

/** Times one step inside a timed run, for a breakdown in the report (the run's own time includes it). */
async function split<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await fn();
  (splits[label] ??= []).push(performance.now() - start);
  return result;
}

async function time(fn: () => Promise<unknown>): Promise<[number, unknown]> {
  const start = performance.now();
  const result = await fn();
  return [performance.now() - start, result];
}

/** Lets the page settle between runs: pending tasks and a garbage-collection opportunity. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

let vault: Vault | null = null;
let raw: IDBDatabase | null = null;
let session: Session | null = null;
let password = '';

function context(): Ctx {
  if (vault === null || raw === null) throw new Error('bench: seed() or attach() first');
  const v = vault;
  const ctx: Ctx = {
    vault: v,
    password,
    raw,
    async session() {
      if (session === null || session.locked) {
        const s = await v.unlock({ password });
        await s.keys.list();
        await s.audit.check().catch(() => undefined);
        session = s;
      }
      return session;
    },
    async keys() {
      return (await ctx.session()).keys.list();
    },
  };
  return ctx;
}

const api = {
  defaultIterations: DEFAULT_ITERATIONS,
  operations: OPERATIONS.map((op) => ({ name: op.name, runs: op.runs })),

  /** A fresh vault in the app's database with `keys` keys through the public API; some get more versions. */
  async seed(options: SeedOptions): Promise<SeedResult> {
    const start = performance.now();
    await api.detach();
    await deleteDatabase(DB_NAME);
    const iterations = options.iterations ?? DEFAULT_ITERATIONS;
    const v = await openVault({ dbName: DB_NAME });
    const s = await v.create({ ownerName: 'Bench Owner', password: options.password, iterations });
    await s.keys.list();
    const names: string[] = [];
    const ids: KeyId[] = new Array<KeyId>(options.keys);
    const concurrency = Math.max(1, options.concurrency ?? 8);
    let next = 0;
    let versions = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < options.keys; i = next++) {
        const input = makeKeyInput(i);
        names[i] = input.name;
        ids[i] = (await s.keys.create(input)).id;
        versions++;
        if ((i + 1) % 1000 === 0) console.log(`seeded ${i + 1} keys (${((performance.now() - start) / 1000).toFixed(0)} s)`);
        // Several keys have more versions: every 10th has 2, every 100th has 4.
        const rotations = i % 100 === 0 ? 3 : i % 10 === 0 ? 1 : 0;
        for (let r = 0; r < rotations; r++) {
          await s.lifecycle.rotate(ids[i]!, { value: makeValue(i * 10 + r + 1) });
          versions++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await quietLock(s);
    v.close();
    await api.attach(options.password);
    return { keys: options.keys, versions, ms: performance.now() - start, iterations, names };
  },

  /** Opens the seeded vault (and a raw connection for the floors). */
  async attach(pw: string): Promise<void> {
    password = pw;
    vault ??= await openVault({ dbName: DB_NAME });
    raw ??= await openRaw(DB_NAME);
  },

  async detach(): Promise<void> {
    if (session !== null) await quietLock(session);
    session = null;
    vault?.close();
    vault = null;
    raw?.close();
    raw = null;
  },

  /** Unlocks and loads every key, so that a heap reading after it reflects 10,000 unlocked keys. */
  async unlockForHeap(): Promise<number> {
    return (await context().keys()).length;
  },

  /** Runs one operation `runs` times beside its floor, alternating which of the two goes first. */
  async measure(name: string, runs?: number): Promise<OpResult> {
    const op = OPERATIONS.find((o) => o.name === name);
    if (!op) throw new Error(`bench: no operation "${name}"`);
    const ctx = context();
    const parts = await op.floor(ctx);
    const runFloor = async (): Promise<number[]> => {
      const row: number[] = [];
      for (const part of parts) {
        await part.before?.();
        row.push((await time(part.run))[0]);
      }
      return row;
    };
    // Warm-up, untimed: first-call costs (JIT, WebCrypto and IndexedDB start-up) are not what we measure.
    await runFloor();
    if (op.warmup) await op.after?.(await (await op.prepare(ctx, 99))());
    splits = {};
    const samples: number[] = [];
    const floorSamples: number[][] = [];
    const n = runs ?? op.runs;
    for (let i = 0; i < n; i++) {
      if (i % 2 === 1) floorSamples.push(await runFloor());
      const call = await op.prepare(ctx, i);
      await settle();
      const [ms, result] = await time(call);
      samples.push(ms);
      await op.after?.(result);
      await settle();
      if (i % 2 === 0) floorSamples.push(await runFloor());
    }
    return { name, samples, floorSamples, floorLabels: parts.map((p) => p.label), splits };
  },
};

export type KeywardBench = typeof api;

declare global {
  interface Window {
    keywardBench?: KeywardBench;
  }
}

window.keywardBench = api;
document.getElementById('status')!.textContent = 'ready';
