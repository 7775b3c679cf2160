// Property-based fuzzing (fast-check) of the KeePass importers and the KDBX export: random bytes, random text and
// damaged copies of the fixtures are either read (to entries that keep the model's rules) or refused with an
// InteropError, never another exception and never a hang; any keys written by writeKdbx read back the same.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeKdbx, type ExportKey } from './kdbx-export';
import { isKdbx, parseKdbx } from './kdbx-import';
import { isKeepassXml, parseKeepassXml } from './keepass-xml';
import { InteropError, type ImportResult } from './model';
import { FIXTURE_PASSWORD, fixture, fixtureText } from './keepass.test-helper';

/**
 * Each case must end well before this: a hang would take hours. The slowest legal mutation (a KDBX 3.1 rounds byte
 * giving 16 million AES-KDF rounds) takes about 1.5 s on an idle machine; the limit leaves room for a loaded one.
 */
const CASE_LIMIT_MS = 30_000;
/** A whole property's time (vitest's default of 60 s is for one ordinary test). */
const PROPERTY_TIMEOUT_MS = 180_000;

/** The result of `run`: an ImportResult that keeps the model's rules, or an InteropError; anything else fails. */
async function readOrRefuse(run: () => Promise<ImportResult>): Promise<ImportResult | InteropError> {
  const started = Date.now();
  let outcome: ImportResult | InteropError;
  try {
    outcome = await run();
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(InteropError);
    outcome = error as InteropError;
  }
  expect(Date.now() - started).toBeLessThan(CASE_LIMIT_MS);
  if (!(outcome instanceof InteropError)) {
    for (const entry of outcome.entries) {
      expect(typeof entry.name === 'string' && entry.name.trim() !== '').toBe(true);
      for (const key of ['value', 'username', 'url', 'notes', 'totp', 'group'] as const) expect(typeof entry[key]).toBe('string');
      for (const field of entry.fields) expect(typeof field.value === 'string' && typeof field.hidden === 'boolean').toBe(true);
    }
  }
  return outcome;
}

/** A damaged copy of `bytes`: some bytes overwritten, a piece cut out, random bytes put in, or the end cut off. */
function damaged(bytes: Uint8Array): fc.Arbitrary<Uint8Array> {
  const at = fc.nat({ max: bytes.length - 1 });
  const overwrite = fc.array(fc.tuple(at, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map((edits) => {
    const out = bytes.slice();
    for (const [i, b] of edits) out[i] = b;
    return out;
  });
  const cut = fc.tuple(at, fc.integer({ min: 1, max: 64 })).map(([i, n]) => new Uint8Array([...bytes.subarray(0, i), ...bytes.subarray(i + n)]));
  const insert = fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 32 })).map(([i, extra]) => new Uint8Array([...bytes.subarray(0, i), ...extra, ...bytes.subarray(i)]));
  const truncate = at.map((i) => bytes.slice(0, i));
  return fc.oneof(overwrite, cut, insert, truncate);
}

/** A KeePass header start (signature, version 3.1 or 4.x) followed by random bytes: random input that gets past the magic. */
const keepassPrefixed = fc.tuple(fc.constantFrom([1, 0, 3, 0], [0, 0, 4, 0], [1, 0, 4, 0], [2, 0, 4, 0]), fc.uint8Array({ maxLength: 300 })).map(
  ([version, rest]) => new Uint8Array([0x03, 0xd9, 0xa2, 0x9a, 0x67, 0xfb, 0x4b, 0xb5, ...version, ...rest]),
);

describe('KDBX import fuzzing', () => {
  it('isKdbx answers a boolean for any bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), keepassPrefixed), (bytes) => {
        expect(typeof isKdbx(bytes)).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes, with or without the KeePass signature, are refused with an InteropError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 400 }), keepassPrefixed), fc.string({ maxLength: 12 }), async (bytes, password) => {
        expect(await readOrRefuse(() => parseKdbx(bytes, password))).toBeInstanceOf(InteropError);
      }),
      { numRuns: 300 },
    );
  }, PROPERTY_TIMEOUT_MS);

  for (const file of ['keepass-kdbx3-aes.kdbx', 'keepass-kdbx4-chacha20-argon2d.kdbx', 'keepass-kdbx4-aeskdf.kdbx']) {
    it(`damaged copies of ${file} are read or refused with an InteropError, with the right password`, async () => {
      const bytes = fixture(file);
      await fc.assert(
        fc.asyncProperty(damaged(bytes), async (copy) => {
          await readOrRefuse(() => parseKdbx(copy, FIXTURE_PASSWORD));
        }),
        { numRuns: 120 },
      );
    }, PROPERTY_TIMEOUT_MS);
  }
});

describe('KeePass XML import fuzzing', () => {
  const xml = fixtureText('keepass2-export.xml');
  /** Pieces that make near-valid XML likely: markup, entities, the elements the reader looks for. */
  const token = fc.constantFrom('<', '>', '&', '&amp;', '&#9;', '&#0;', '"', '</Entry>', '<Entry>', '<Group>', '</Group>', '<Value ProtectInMemory="True">', '</Value>', '<History>', '<![CDATA[x]]>', '<!-- c -->', '\t', '\r', '\u0000', '\uD800', '🔑');

  it('isKeepassXml answers a boolean for any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }).map((s) => `<KeePassFile${s}`)), (text) => {
        expect(typeof isKeepassXml(text)).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('random text after a KeePassFile root is read or refused with an InteropError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(token, fc.string({ maxLength: 6 })), { maxLength: 30 }), async (parts) => {
        await readOrRefuse(() => parseKeepassXml(`<KeePassFile><Meta/><Root><Group>${parts.join('')}</Group></Root></KeePassFile>`));
      }),
      { numRuns: 300 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('damaged copies of the KeePass 2 export are read or refused with an InteropError', async () => {
    const at = fc.nat({ max: xml.length - 1 });
    const edit = fc.oneof(
      fc.tuple(at, fc.integer({ min: 1, max: 40 })).map(([i, n]) => (text: string) => text.slice(0, i) + text.slice(i + n)),
      fc.tuple(at, fc.oneof(token, fc.string({ maxLength: 4 }))).map(([i, piece]) => (text: string) => text.slice(0, i) + piece + text.slice(i)),
      at.map((i) => (text: string) => text.slice(0, i)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        await readOrRefuse(() => parseKeepassXml(edits.reduce((text, apply) => apply(text), xml)));
      }),
      { numRuns: 300 },
    );
  }, PROPERTY_TIMEOUT_MS);
});

describe('KDBX export fuzzing', () => {
  /** Text a person could type or paste: any code point but lone surrogates (UTF-8 cannot hold them) and CR. */
  const typed = (minLength = 0) => fc.string({ unit: 'binary', minLength, maxLength: 24 }).map((s) => s.replace(/\r/g, ''));
  const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
  const key: fc.Arbitrary<ExportKey> = fc.record({
    name: typed(1).filter((s) => s.replace(XML_INVALID, '').trim() !== ''),
    tags: fc.array(typed(), { maxLength: 2 }),
    notes: typed(),
    created: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    updated: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    versions: fc.array(fc.record({ value: typed(), created: fc.integer({ min: 0, max: 4_102_444_800_000 }) }), { maxLength: 3 }),
  });

  it('any keys read back with their names, current values and notes (with a small Argon2id, so runs are fast)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(key, { maxLength: 4 }), async (keys) => {
        const { entries } = await parseKdbx(await writeKdbx(keys, 'fuzz', { memoryBytes: 1024 * 1024, passes: 1, lanes: 1 }), 'fuzz');
        const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
        expect(entries.map((e) => ({ name: e.name, value: e.value, notes: e.notes })).sort(byName)).toEqual(
          keys
            .map((k) => ({ name: k.name.replace(XML_INVALID, ''), value: k.versions[k.versions.length - 1]?.value ?? '', notes: k.notes.replace(XML_INVALID, '') }))
            .sort(byName),
        );
      }),
      { numRuns: 40 },
    );
  }, PROPERTY_TIMEOUT_MS);
});
