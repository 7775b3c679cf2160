// Property-based fuzzing (fast-check) of the Bitwarden JSON, 1Password .1pux / export.data and .1pif readers:
// random text and bytes, valid files damaged (characters or bytes changed, cut, inserted), members of valid shapes
// set to any JSON, password-protected exports with any header, zips with any declared sizes. Each input gives a
// well-formed result or an InteropError; nothing else escapes, and nothing hangs. Sizes keep the file to seconds.
import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { isBitwardenJson, parseBitwardenJson } from './bitwarden';
import { protectExport } from './bitwarden-protect.test-helper';
import { InteropError, type ImportResult } from './model';
import { is1PasswordData, is1pif, parse1PasswordData, parse1pif, parse1pux } from './onepassword';

/** The error `run` threw or rejected with, or null. */
async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run();
    return null;
  } catch (error) {
    return error;
  }
}

/** Every entry of a result holds text where the model says text, and has a name. */
function wellFormed(result: ImportResult): void {
  for (const e of result.entries) {
    for (const key of ['name', 'value', 'username', 'url', 'notes', 'totp', 'group'] as const) expect(typeof e[key]).toBe('string');
    expect(e.name.trim()).not.toBe('');
    for (const f of e.fields) expect([typeof f.name, typeof f.value, typeof f.hidden]).toEqual(['string', 'string', 'boolean']);
  }
  for (const s of result.skipped) expect([typeof s.name, typeof s.reason]).toEqual(['string', 'string']);
}

/** Passes when `run` gives a well-formed result or throws an InteropError. */
async function resultOrInteropError(run: () => ImportResult | Promise<ImportResult>): Promise<void> {
  let result: ImportResult;
  try {
    result = await run();
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(InteropError);
    return;
  }
  wellFormed(result);
}

/** Any UTF-16 text, lone surrogates included. */
const anyText = (maxLength = 60) => fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength }).map((codes) => String.fromCharCode(...codes));

/** A text with characters changed, removed, inserted, or cut short. */
function damagedText(text: string): fc.Arbitrary<string> {
  const at = fc.nat({ max: Math.max(0, text.length - 1) });
  return fc.oneof(
    fc.tuple(at, anyText(3)).map(([i, s]) => text.slice(0, i) + s + text.slice(i + 1)),
    fc.tuple(at, fc.nat({ max: 40 })).map(([i, n]) => text.slice(0, i) + text.slice(i + n)),
    fc.tuple(at, fc.constantFrom('"', '{', '}', '[', ']', ',', ':', 'null', '\\', '\ufeff', '\n***5642bee8-a5ff-11dc-8314-0800200c9a66***\n')).map(([i, s]) => text.slice(0, i) + s + text.slice(i)),
    at.map((i) => text.slice(0, i)),
  );
}

/** Bytes with a few changed, or cut short. */
function damagedBytes(bytes: Uint8Array): fc.Arbitrary<Uint8Array> {
  const at = fc.nat({ max: bytes.length - 1 });
  return fc.oneof(
    fc.array(fc.tuple(at, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((changes) => {
      const out = bytes.slice();
      for (const [i, b] of changes) out[i] = b;
      return out;
    }),
    at.map((i) => bytes.slice(0, i)),
    at.map((i) => bytes.slice(i)),
  );
}

/** Sets one member, found by a path of keys and indexes, to `value` in a copy of `doc`. */
function setAt(doc: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[path.at(-1)!] = value;
  return copy;
}

const anyJson = fc.jsonValue({ maxDepth: 3 });

const BITWARDEN = {
  encrypted: false,
  folders: [{ id: 'f', name: 'Ops/Prod' }],
  collections: [{ id: 'c', name: 'Team' }],
  items: [
    { id: 'a', folderId: 'f', type: 1, name: 'login', notes: 'n', fields: [{ name: 'k', value: 'v', type: 1 }, { name: 'b', value: 'true', type: 2 }], login: { uris: [{ uri: 'https://a.test' }, { uri: 'b.test' }], username: 'u', password: 'p', totp: 't' }, collectionIds: ['c'] },
    { id: 'b', type: 3, name: 'card', card: { number: '4111', code: '1', brand: 'x' } },
    { id: 'c', type: 4, name: 'id', identity: { firstName: 'A', username: 'a' } },
    { id: 'd', type: 2, name: 'note', notes: 'secret', secureNote: { type: 0 } },
  ],
};
const BITWARDEN_PATHS: (string | number)[][] = [
  ['items'], ['folders'], ['collections'], ['encrypted'], ['items', 0], ['items', 0, 'type'], ['items', 0, 'name'], ['items', 0, 'login'], ['items', 0, 'login', 'uris'],
  ['items', 0, 'login', 'uris', 0], ['items', 0, 'login', 'password'], ['items', 0, 'fields'], ['items', 0, 'fields', 0], ['items', 0, 'fields', 1, 'value'], ['items', 0, 'folderId'],
  ['items', 0, 'collectionIds'], ['items', 1, 'card'], ['items', 1, 'card', 'number'], ['items', 2, 'identity'], ['folders', 0], ['folders', 0, 'name'], ['collections', 0, 'id'],
];

const ONEPUX = {
  accounts: [
    {
      attrs: { name: 'acct' },
      vaults: [
        {
          attrs: { name: 'Private' },
          items: [
            {
              categoryUuid: '001',
              state: 'archived',
              details: {
                loginFields: [{ value: 'u', designation: 'username' }, { value: 'p', designation: 'password', fieldType: 'P' }, { value: '✓', name: 'c', fieldType: 'C' }],
                notesPlain: 'n',
                sections: [{ title: 's', fields: [{ title: 'pin', id: 'pin', value: { concealed: '1' } }, { title: 'd', id: 'd', value: { date: 1 } }, { title: 'a', id: 'a', value: { address: { city: 'x' } } }] }],
              },
              overview: { title: 'login', urls: [{ url: 'https://a.test' }], tags: ['t'] },
            },
            { categoryUuid: '005', details: { password: 'pw' }, overview: { title: 'pw' } },
          ],
        },
      ],
    },
  ],
};
const ONEPUX_PATHS: (string | number)[][] = [
  ['accounts'], ['accounts', 0], ['accounts', 0, 'vaults'], ['accounts', 0, 'vaults', 0], ['accounts', 0, 'vaults', 0, 'attrs'], ['accounts', 0, 'vaults', 0, 'items'],
  ['accounts', 0, 'vaults', 0, 'items', 0], ['accounts', 0, 'vaults', 0, 'items', 0, 'details'], ['accounts', 0, 'vaults', 0, 'items', 0, 'details', 'loginFields'],
  ['accounts', 0, 'vaults', 0, 'items', 0, 'details', 'loginFields', 0], ['accounts', 0, 'vaults', 0, 'items', 0, 'details', 'sections'],
  ['accounts', 0, 'vaults', 0, 'items', 0, 'details', 'sections', 0, 'fields'], ['accounts', 0, 'vaults', 0, 'items', 0, 'details', 'sections', 0, 'fields', 0, 'value'],
  ['accounts', 0, 'vaults', 0, 'items', 0, 'details', 'sections', 0, 'fields', 1, 'value', 'date'], ['accounts', 0, 'vaults', 0, 'items', 0, 'overview'],
  ['accounts', 0, 'vaults', 0, 'items', 0, 'overview', 'urls'], ['accounts', 0, 'vaults', 0, 'items', 0, 'overview', 'tags'], ['accounts', 0, 'vaults', 0, 'items', 1, 'details', 'password'],
];

const SEP = '\n***5642bee8-a5ff-11dc-8314-0800200c9a66***\n';
const PIF_RECORDS = [
  { typeName: 'system.folder.Regular', uuid: 'F1', title: 'Home', secureContents: {} },
  { typeName: 'webforms.WebForm', uuid: 'W1', title: 'mail', folderUuid: 'F1', location: 'https://m.test', secureContents: { fields: [{ type: 'T', value: 'u', designation: 'username' }, { type: 'P', value: 'p', designation: 'password' }], URLs: [{ url: 'https://m.test' }] } },
  { typeName: 'wallet.financial.CreditCard', uuid: 'C1', title: 'card', secureContents: { sections: [{ title: '', fields: [{ k: 'string', n: 'ccnum', t: 'number', v: '4111' }, { k: 'monthYear', n: 'e', t: 'expiry', v: 202901 }] }] } },
];
const PIF_PATHS: (string | number)[][] = [[0, 'uuid'], [0, 'typeName'], [1, 'folderUuid'], [1, 'secureContents'], [1, 'secureContents', 'fields'], [1, 'secureContents', 'fields', 0], [1, 'title'], [1, 'location'], [2, 'secureContents', 'sections'], [2, 'secureContents', 'sections', 0, 'fields', 0], [2, 'secureContents', 'sections', 0, 'fields', 1, 'v'], [1, 'openContents']];
const pif = (records: unknown[]) => '\ufeff' + records.map((r) => JSON.stringify(r)).join(SEP);

describe('Bitwarden JSON', () => {
  const valid = JSON.stringify(BITWARDEN, null, 2);

  it('random text: detection answers, parsing gives a result or an InteropError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText(), fc.json({ maxDepth: 3 }), fc.constant('{"items":[]}')), async (text) => {
        expect(typeof isBitwardenJson(text)).toBe('boolean');
        await resultOrInteropError(() => parseBitwardenJson(text));
      }),
      { numRuns: 600 },
    );
  });

  it('a damaged valid export', async () => {
    await fc.assert(
      fc.asyncProperty(damagedText(valid), async (text) => {
        isBitwardenJson(text);
        await resultOrInteropError(() => parseBitwardenJson(text));
      }),
      { numRuns: 600 },
    );
  });

  it('any member of a valid export set to any JSON value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...BITWARDEN_PATHS), anyJson, async (path, value) => {
        await resultOrInteropError(() => parseBitwardenJson(JSON.stringify(setAt(BITWARDEN, path, value))));
      }),
      { numRuns: 600 },
    );
  });
});

describe('password-protected Bitwarden exports', () => {
  let valid: Record<string, unknown>;
  beforeAll(async () => {
    valid = await protectExport(JSON.stringify(BITWARDEN), 'pw', { kdfType: 0, kdfIterations: 1000 });
  });

  // KDF settings the fuzzer may pick: within the bounds only cheap ones, so each run stays milliseconds.
  const kdfValue = fc.oneof(fc.integer({ min: -3, max: 1200 }), fc.constantFrom(0, 1, 2, 16, 101, 1025, 2_000_001, 1e12, -1, 1.5, null, '1000', [], {}));
  const header = fc.constantFrom('salt', 'kdfType', 'kdfIterations', 'kdfMemory', 'kdfParallelism', 'encKeyValidation_DO_NOT_EDIT', 'data', 'passwordProtected', 'encrypted');

  it('any header member set to any value (text, damaged EncStrings, KDF settings), any password: a result or an InteropError', async () => {
    const value = fc.oneof(anyJson, kdfValue, fc.constantFrom('2.', '2.a|b|c', '0.AAAA|BBBB', '2.||', '2.AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAA==|'));
    await fc.assert(
      fc.asyncProperty(header, value, fc.oneof(fc.constant('pw'), anyText(8)), async (key, v, password) => {
        const file = { ...valid, [key]: v };
        if (key === 'kdfType' && v === 1) Object.assign(file, { kdfIterations: 1, kdfMemory: 1, kdfParallelism: 1 });
        await resultOrInteropError(() => parseBitwardenJson(JSON.stringify(file), password));
      }),
      { numRuns: 250 },
    );
  });

  it('damaged EncStrings never decrypt: an InteropError unless the text is unchanged', async () => {
    const member = fc.constantFrom('data', 'encKeyValidation_DO_NOT_EDIT');
    const damaged = member.chain((key) => damagedText(valid[key] as string).map((text) => [key, text] as const));
    await fc.assert(
      fc.asyncProperty(damaged, async ([key, text]) => {
        const error = await failure(() => parseBitwardenJson(JSON.stringify({ ...valid, [key]: text }), 'pw'));
        if (text === valid[key]) expect(error).toBeNull();
        else expect(error, String(error)).toBeInstanceOf(InteropError);
      }),
      { numRuns: 150 },
    );
  });
});

describe('1Password export.data and .1pux', () => {
  const validData = JSON.stringify(ONEPUX, null, 1);
  const validZip = zipSync({ 'export.attributes': strToU8('{"version":3}'), 'export.data': strToU8(validData), 'files/a.png': new Uint8Array(300).fill(1) });

  it('random text and damaged export.data: detection answers, parsing gives a result or an InteropError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText(), fc.json({ maxDepth: 3 }), damagedText(validData)), async (text) => {
        expect(typeof is1PasswordData(text)).toBe('boolean');
        await resultOrInteropError(() => parse1PasswordData(text));
      }),
      { numRuns: 800 },
    );
  });

  it('any member of a valid export.data set to any JSON value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ONEPUX_PATHS), anyJson, async (path, value) => {
        await resultOrInteropError(() => parse1PasswordData(JSON.stringify(setAt(ONEPUX, path, value))));
      }),
      { numRuns: 600 },
    );
  });

  it('random bytes, with or without a zip signature, are refused with an InteropError', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.uint8Array({ maxLength: 400 }).map((b) => new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...b])),
      fc.uint8Array({ maxLength: 400 }).map((b) => new Uint8Array([...b, 0x50, 0x4b, 0x05, 0x06, ...new Uint8Array(18).fill(0xff)])),
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (file) => {
        expect(await failure(() => parse1pux(file))).toBeInstanceOf(InteropError);
      }),
      { numRuns: 1500 },
    );
  });

  it('a damaged valid .1pux: a result or an InteropError', async () => {
    await fc.assert(
      fc.asyncProperty(damagedBytes(validZip), async (file) => {
        await resultOrInteropError(() => parse1pux(file));
      }),
      { numRuns: 1500 },
    );
  });

  it('any declared sizes and method for export.data (zip bombs, huge sizes): a result or an InteropError, quickly', async () => {
    const cd = (() => {
      const v = new DataView(validZip.buffer, validZip.byteOffset);
      for (let at = validZip.length - 22; at >= 0; at--) {
        if (v.getUint32(at, true) === 0x02014b50 && new TextDecoder().decode(validZip.subarray(at + 46, at + 46 + v.getUint16(at + 28, true))) === 'export.data') return at;
      }
      throw new Error('no export.data');
    })();
    const u32 = fc.oneof(fc.nat({ max: 5000 }), fc.constantFrom(0xffffffff, 0xfffffff0, 64 * 1024 * 1024, 64 * 1024 * 1024 + 1), fc.nat());
    await fc.assert(
      fc.asyncProperty(u32, u32, fc.constantFrom(0, 8, 9, 12, 99), async (size, originalSize, method) => {
        const file = validZip.slice();
        const v = new DataView(file.buffer);
        v.setUint16(cd + 10, method, true);
        v.setUint32(cd + 20, size, true);
        v.setUint32(cd + 24, originalSize, true);
        const started = performance.now();
        await resultOrInteropError(() => parse1pux(file));
        expect(performance.now() - started).toBeLessThan(2000);
      }),
      { numRuns: 500 },
    );
  });
});

describe('1Password .1pif', () => {
  const valid = pif(PIF_RECORDS);

  it('random text and damaged files: detection answers, parsing gives a result or an InteropError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText(), fc.json({ maxDepth: 3 }), damagedText(valid)), async (text) => {
        expect(typeof is1pif(text)).toBe('boolean');
        await resultOrInteropError(() => parse1pif(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('any member of a valid record set to any JSON value, and records of any JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PIF_PATHS), anyJson, fc.array(anyJson, { maxLength: 3 }), async (path, value, extra) => {
        await resultOrInteropError(() => parse1pif(pif([...(setAt(PIF_RECORDS, path, value) as unknown[]), ...extra])));
      }),
      { numRuns: 600 },
    );
  });

  it('a thousand nested folders, and folders in a loop, end in a bounded path', () => {
    const folders = Array.from({ length: 1000 }, (_, i) => ({ typeName: 'system.folder.Regular', uuid: `F${i}`, title: `f${i}`, folderUuid: `F${(i + 1) % 1000}` }));
    const r = parse1pif(pif([...folders, { typeName: 'webforms.WebForm', uuid: 'W', title: 'deep', folderUuid: 'F0', secureContents: {} }]));
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0]!.group.split('/')).toHaveLength(32);
  });
});
