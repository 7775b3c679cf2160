// Owns the floors of the benchmark: the same primitive work an operation cannot avoid, done with bare
// WebCrypto and raw IndexedDB (no vault, no idb wrapper, no checks), so a vault figure can be read as a
// ratio to what this browser on this machine can do at best, measured in the same page and run.

/** One timed piece of a floor; its inputs are prepared (untimed) before the thunk is returned. */
export interface FloorPart {
  label: string;
  /** Untimed, before every timed run (e.g. re-reading the rows a write puts back). */
  before?: () => Promise<void>;
  run: () => Promise<unknown>;
}

const IV_BYTES = 12;
const TAG_BITS = 128;

async function aesKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let i = 0; i < n; i += 65_536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65_536)));
  return out;
}

/** The AAD the vault binds (a short context string); its length matters little, but it is not zero. */
const AAD = new TextEncoder().encode('seal|kw1|key|0123456789abcdef0123456789abcdef|meta|0');

/** PBKDF2-HMAC-SHA256 with `iterations`, 256 bits out (crypto.subtle.deriveBits). */
export function pbkdf2(iterations: number, label = `PBKDF2 ×${iterations.toLocaleString('en')}`): FloorPart {
  const password = new TextEncoder().encode('correct horse battery staple');
  const salt = randomBytes(16);
  return {
    label,
    run: async () => {
      const base = await crypto.subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
      return crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, 256);
    },
  };
}

/** One step of a crypto chain: an AES-256-GCM encryption or decryption, or an HMAC-SHA256, of `bytes` bytes of input. */
export interface CryptoStep {
  op: 'encrypt' | 'decrypt' | 'hmac';
  /** Plaintext bytes (encrypt, decrypt) or message bytes (hmac). */
  bytes: number;
}

/** "encrypt 32 B + hmac 302 B": a chain's steps, for a floor's label. */
export const describeSteps = (steps: readonly CryptoStep[]): string => steps.map((s) => `${s.op} ${s.bytes} B`).join(' + ');

/** FORMAT.md §2: version byte ‖ 12-byte IV ‖ ciphertext ‖ 16-byte tag. */
export const ENVELOPE_OVERHEAD = 1 + 12 + 16;

/** The plaintext size of a stored envelope (a destroyed value, null, counts as empty). */
export const plainBytes = (sealed: Uint8Array | null | undefined): number => (sealed?.length ?? ENVELOPE_OVERHEAD) - ENVELOPE_OVERHEAD;

interface PreparedStep {
  op: CryptoStep['op'];
  key: CryptoKey;
  iv: Uint8Array<ArrayBuffer>;
  input: Uint8Array<ArrayBuffer> | ArrayBuffer;
}

async function prepareStep(step: CryptoStep): Promise<PreparedStep> {
  const iv = randomBytes(IV_BYTES);
  const data = randomBytes(step.bytes);
  if (step.op === 'hmac') {
    const key = await crypto.subtle.importKey('raw', randomBytes(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return { op: 'hmac', key, iv, input: data };
  }
  const key = await aesKey();
  if (step.op === 'encrypt') return { op: 'encrypt', key, iv, input: data };
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: AAD, tagLength: TAG_BITS }, key, data);
  return { op: 'decrypt', key, iv, input: ciphertext };
}

/**
 * `count` chains, all started at once (Promise.all, as the vault does): each runs its steps in order,
 * e.g. [decrypt 32 B, decrypt 340 B] = "unwrap-sized decrypt, then meta-sized decrypt", per key.
 */
export async function cryptoChains(count: number, steps: readonly CryptoStep[], label: string): Promise<FloorPart> {
  const prepared = await Promise.all(steps.map(prepareStep));
  return {
    label,
    run: () =>
      Promise.all(
        Array.from({ length: count }, async () => {
          for (const s of prepared) {
            // A fresh IV per encryption costs one getRandomValues; the vault pays it, so the floor does too.
            if (s.op === 'encrypt') await crypto.subtle.encrypt({ name: 'AES-GCM', iv: randomBytes(IV_BYTES), additionalData: AAD, tagLength: TAG_BITS }, s.key, s.input);
            else if (s.op === 'decrypt') await crypto.subtle.decrypt({ name: 'AES-GCM', iv: s.iv, additionalData: AAD, tagLength: TAG_BITS }, s.key, s.input);
            else await crypto.subtle.sign('HMAC', s.key, s.input);
          }
        }),
      ),
  };
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

/** A raw connection to an existing database (no version: whatever is there). */
export function openRaw(name: string): Promise<IDBDatabase> {
  return request(indexedDB.open(name));
}

/** getAll of every store in `stores`, in one readonly transaction. */
export function getAll(db: IDBDatabase, stores: readonly string[], label = `getAll(${stores.join(', ')})`): FloorPart {
  return {
    label,
    run: async () => {
      const tx = db.transaction([...stores], 'readonly');
      const results = await Promise.all(stores.map((s) => request(tx.objectStore(s).getAll())));
      await done(tx);
      return results;
    },
  };
}

/** One get by primary key, in its own readonly transaction (as the vault reads one version row). */
export function getOne(db: IDBDatabase, store: string, key: IDBValidKey, label = `get(${store})`): FloorPart {
  return {
    label,
    run: async () => {
      const tx = db.transaction(store, 'readonly');
      const row = await request(tx.objectStore(store).get(key));
      await done(tx);
      return row;
    },
  };
}

/**
 * One readwrite transaction (durability 'strict', as the vault writes) putting records back where they
 * came from. `load` (untimed, before each run) reads real rows of the vault; they are written back
 * unchanged, so sizes, keys and indexes are exactly the vault's and the vault's state does not change.
 */
export function putAll(db: IDBDatabase, load: () => Promise<readonly { store: string; value: unknown }[]>, label: string): FloorPart {
  let records: readonly { store: string; value: unknown }[] = [];
  return {
    label,
    before: async () => {
      records = await load();
    },
    run: async () => {
      const stores = [...new Set(records.map((r) => r.store))];
      const tx = db.transaction(stores, 'readwrite', { durability: 'strict' });
      for (const r of records) tx.objectStore(r.store).put(r.value);
      await done(tx);
    },
  };
}

/** Reads rows for floors (untimed). */
export async function readAll<T>(db: IDBDatabase, store: string): Promise<T[]> {
  const tx = db.transaction(store, 'readonly');
  return request(tx.objectStore(store).getAll()) as Promise<T[]>;
}

export async function readOne<T>(db: IDBDatabase, store: string, key: IDBValidKey): Promise<T | undefined> {
  const tx = db.transaction(store, 'readonly');
  return request(tx.objectStore(store).get(key)) as Promise<T | undefined>;
}

/** The row with the highest key in `store` (e.g. the newest audit entry), if any. */
export async function readLast<T>(db: IDBDatabase, store: string): Promise<T | undefined> {
  const tx = db.transaction(store, 'readonly');
  const cursor = await request(tx.objectStore(store).openCursor(null, 'prev'));
  return (cursor?.value as T | undefined) ?? undefined;
}

/** Deletes a database; resolves once it is gone (a blocked delete waits for other connections to close). */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
  });
}
