// Nothing sensitive at rest (ARCHITECTURE.md §2): a key's name, value, tags and notes never appear in
// IndexedDB, localStorage, sessionStorage or cookies — not as text, not as raw bytes, not as base64 or hex.
import { addKey, createVault, expect, keyInList, test } from './fixtures';

const SECRET = {
  name: 'prod-stripe-key-7Q9',
  value: 'sk_live_UNIQUEVALUE123456',
  tag: 'tagsecret-K3J8',
  notes: 'notes-secret-rotate-via-R2D2X',
};

interface Dump {
  stores: string[];
  recordCount: number;
  byteCount: number;
  /** Every string found, plus every byte array rendered as latin1, UTF-8 and hex. */
  strings: string[];
  probe: string[];
}

test('key names, values, tags and notes are not stored in plaintext anywhere', async ({ page, context }) => {
  await page.goto('/');
  await createVault(page);

  await page.getByRole('button', { name: 'New key', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(SECRET.name);
  await page.getByLabel('Value', { exact: true }).fill(SECRET.value);
  await page.getByLabel('Tags', { exact: true }).fill(SECRET.tag);
  await page.getByLabel('Notes', { exact: true }).fill(SECRET.notes);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(keyInList(page, SECRET.name)).toBeVisible();
  // A second key, so a record format that stores one of several keys in plaintext cannot slip through.
  await addKey(page, 'second-key-Zq4', 'second-value-Hh77');

  const dump = await page.evaluate(async (): Promise<Dump> => {
    const strings: string[] = [];
    let recordCount = 0;
    let byteCount = 0;
    const utf8 = new TextDecoder('utf-8', { fatal: false });

    function addBytes(bytes: Uint8Array): void {
      byteCount += bytes.length;
      let latin1 = '';
      let hex = '';
      for (const byte of bytes) {
        latin1 += String.fromCharCode(byte);
        hex += byte.toString(16).padStart(2, '0');
      }
      strings.push(latin1, utf8.decode(bytes), hex);
    }

    async function walk(value: unknown, seen: Set<unknown>): Promise<void> {
      if (value === null || value === undefined) return;
      if (typeof value === 'string') return void strings.push(value);
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
        return void strings.push(String(value));
      }
      if (typeof value !== 'object' || seen.has(value)) return;
      seen.add(value);
      if (value instanceof ArrayBuffer) return addBytes(new Uint8Array(value));
      if (ArrayBuffer.isView(value)) return addBytes(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      if (value instanceof Blob) return addBytes(new Uint8Array(await value.arrayBuffer()));
      if (value instanceof Date) return void strings.push(value.toISOString());
      if (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) {
        // A stored non-extractable CryptoKey holds no readable material; note its shape only.
        return void strings.push(`CryptoKey(${value.type}, extractable=${value.extractable})`);
      }
      if (value instanceof Map) {
        for (const [k, v] of value) {
          await walk(k, seen);
          await walk(v, seen);
        }
        return;
      }
      if (value instanceof Set || Array.isArray(value)) {
        for (const item of value) await walk(item, seen);
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        strings.push(k);
        await walk(v, seen);
      }
    }

    const request = (r: IDBRequest) =>
      new Promise<unknown>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });

    // Self-check: the walker must see text hidden in bytes, or the assertions below prove nothing.
    const probeStart = strings.length;
    await walk({ nested: [{ bytes: new TextEncoder().encode('probe-in-bytes') }], text: 'probe-as-text' }, new Set());
    const probe = strings.splice(probeStart);
    byteCount = 0;

    const names = (await indexedDB.databases()).map((info) => info.name ?? '');
    if (!names.includes('keyward')) throw new Error(`no "keyward" database; found ${JSON.stringify(names)}`);
    const db = (await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('keyward');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    })) as IDBDatabase;
    const stores = [...db.objectStoreNames];
    for (const store of stores) {
      const tx = db.transaction(store, 'readonly');
      const objectStore = tx.objectStore(store);
      const [keys, values] = (await Promise.all([
        request(objectStore.getAllKeys()),
        request(objectStore.getAll()),
      ])) as [unknown[], unknown[]];
      recordCount += values.length;
      for (const key of keys) await walk(key, new Set());
      for (const value of values) await walk(value, new Set());
    }
    db.close();

    for (const storage of [localStorage, sessionStorage]) {
      for (let i = 0; i < storage.length; i += 1) {
        const key = storage.key(i) ?? '';
        strings.push(key, storage.getItem(key) ?? '');
      }
    }
    strings.push(document.cookie);
    return { stores, recordCount, byteCount, strings, probe };
  });

  // The dump is real: the walker decodes bytes, the database has stores and records, and ciphertext.
  expect(dump.probe.join('\n')).toContain('probe-in-bytes');
  expect(dump.probe.join('\n')).toContain('probe-as-text');
  expect(dump.stores.length).toBeGreaterThan(0);
  expect(dump.recordCount).toBeGreaterThanOrEqual(2);
  expect(dump.byteCount).toBeGreaterThan(SECRET.value.length + SECRET.notes.length);

  // Also read every base64 / base64url-looking string, so an encoded plaintext cannot hide either.
  const haystack = [...dump.strings];
  for (const text of dump.strings) {
    for (const run of text.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []) {
      haystack.push(Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1'));
    }
  }
  const everything = haystack.join('\n');
  const lowered = everything.toLowerCase();

  for (const secret of [SECRET.name, SECRET.value, SECRET.tag, SECRET.notes, 'second-key-Zq4', 'second-value-Hh77']) {
    const forms = [
      secret,
      Buffer.from(secret).toString('base64').replace(/=+$/, ''),
      Buffer.from(secret).toString('base64url'),
      Buffer.from(secret).toString('hex'),
    ];
    for (const form of forms) {
      expect(lowered.includes(form.toLowerCase()), `"${secret}" found at rest (as ${form})`).toBe(false);
    }
  }
  expect(await context.cookies()).toEqual([]);
});
