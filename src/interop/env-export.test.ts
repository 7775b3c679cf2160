// Tests the .env exporter against the real `dotenv` parser: every value it writes reads back exactly (fast-check, with
// an alphabet of the characters that matter to dotenv), and it refuses only values that no writing of them reads back.
import { parse } from 'dotenv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dotenvValue, envName, toDotenv, uniqueEnvNames } from './env-export';
import { InteropError } from './model';
import { thrown } from '../../test/unit/thrown';

/** The characters dotenv treats specially, a few ordinary ones, and some from anywhere. */
const SPECIAL = ["'", '"', '`', '\\', '#', '\n', '\r', ' ', '\t', 'n', 'r', '=', ':', 'a', 'Z', '0', '\u2028', '\u00a0', 'é', '😀'];
const char = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...SPECIAL) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 0xffff }).map((c) => String.fromCharCode(c)) });
const value = fc.array(char, { maxLength: 14 }).map((c) => c.join(''));
const name = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('API key', 'api-key', 'API_KEY', 'db.password', '2fa', 'Café'));


/** Lines around the value under test that would catch a quoted value running on into the next lines. */
const BEFORE = 'A=a\n';
const AFTER = "X=x'\nY=y\"\nZ=z`\nW='w'\n";
const NEIGHBOURS = { A: 'a', X: "x'", Y: 'y"', Z: 'z`', W: 'w' };

/** Whether any way of writing `v` after `K=` (bare, or in any of the three quotes, raw or with \n escapes) reads back. */
function someWritingReadsBack(v: string): boolean {
  const escaped = v.replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  const writings = [v, `'${v}'`, `"${v}"`, `\`${v}\``, `"${escaped}"`];
  return writings.some((w) => JSON.stringify(parse(`${BEFORE}K=${w}\n${AFTER}`)) === JSON.stringify({ ...NEIGHBOURS, K: v }));
}

describe('envName', () => {
  it.each([
    ['Stripe live key', 'STRIPE_LIVE_KEY'],
    ['api-key.prod', 'API_KEY_PROD'],
    ['  (prod) db password!  ', 'PROD_DB_PASSWORD'],
    ['__private', '__PRIVATE'],
    ['2fa seed', '_2FA_SEED'],
    ['Café crème', 'CAFE_CREME'],
    ['!!!', 'KEY'],
    ['', 'KEY'],
    ['日本', 'KEY'],
    ['a  --  b', 'A_B'],
  ])('%j → %s', (input, expected) => {
    expect(envName(input)).toBe(expected);
  });

  it('is always a valid variable name', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30, unit: 'binary' }), (n) => /^[A-Z_][A-Z0-9_]*$/.test(envName(n))), { numRuns: 2000 });
  });

  it('uniqueEnvNames keeps the first of a name and numbers the rest, around names others already have', () => {
    expect(uniqueEnvNames(['api key', 'API-KEY', 'api_key_2', 'Api Key'])).toEqual(['API_KEY', 'API_KEY_3', 'API_KEY_2', 'API_KEY_4']);
    fc.assert(fc.property(fc.array(name, { maxLength: 12 }), (names) => new Set(uniqueEnvNames(names)).size === names.length));
  });
});

describe('toDotenv', () => {
  it.each<[string, string, string]>([
    ['a plain token', 'sk_live_abc123', 'sk_live_abc123'],
    ['inner spaces and punctuation', 'hello world=1:2', 'hello world=1:2'],
    ['an empty value', '', "''"],
    ['leading spaces', '  padded', "'  padded'"],
    ['a #', 'pass#word', "'pass#word'"],
    ['a leading quote', '"quoted"', `'"quoted"'`],
    ['a single quote and a #', "it's #1", `"it's #1"`],
    ['two lines', 'line one\nline two', '"line one\\nline two"'],
    ['a carriage return', 'a\r\nb', '"a\\r\\nb"'],
    ['a literal \\n and a line break', 'C:\\new\nx', "'C:\\new\nx'"],
    ['both quote kinds and a #', `it's "x" #`, '`it\'s "x" #`'],
    ['all three quotes on one line', ` a'b"c\`d `, `' a'b"c\`d '`],
    ['a final backslash', 'C:\\dir\\', 'C:\\dir\\'],
  ])('writes %s so that dotenv reads it back', (_what, v, written) => {
    expect(dotenvValue(v)).toBe(written);
    const text = toDotenv([{ name: 'first', value: 'x' }, { name: 'the key', value: v }, { name: 'after', value: "y'" }]);
    expect(parse(text)).toEqual({ FIRST: 'x', THE_KEY: v, AFTER: "y'" });
  });

  it.each<[string, string]>([
    ['all three quotes and a line break', `a'b"c\`d\ne`],
    ['all three quotes and a #', `a'b"c\`d #e`],
    ['a carriage return and a literal \\n', 'a\rb\\n'],
    ['a line break and a final backslash', 'a\nb\\'],
  ])('refuses %s, naming the key and not the value', (_what, v) => {
    const error = thrown(() => toDotenv([{ name: 'ok', value: 'fine' }, { name: 'Deploy token', value: `SECRETVALUE${v}` }]));
    expect(error).toBeInstanceOf(InteropError);
    expect((error as InteropError).code).toBe('Unsupported');
    expect((error as InteropError).message).toContain('“Deploy token”');
    expect((error as InteropError).message).not.toContain('SECRETVALUE');
    expect(someWritingReadsBack(`SECRETVALUE${v}`)).toBe(false);
  });

  it('numbers names that collide', () => {
    expect(parse(toDotenv([{ name: 'api key', value: '1' }, { name: 'API-KEY', value: '2' }]))).toEqual({ API_KEY: '1', API_KEY_2: '2' });
  });

  it('property: dotenv.parse gives back every value of every file it writes; the only error is InteropError naming a key', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name, value }), { maxLength: 8 }), (items) => {
        let text: string;
        try {
          text = toDotenv(items);
        } catch (error) {
          expect(error).toBeInstanceOf(InteropError);
          expect(items.some((i) => (error as InteropError).message.includes(`“${i.name}”`))).toBe(true);
          return;
        }
        const names = uniqueEnvNames(items.map((i) => i.name));
        expect(parse(text)).toEqual(Object.fromEntries(items.map((i, n) => [names[n], i.value])));
      }),
      { numRuns: 3000 },
    );
  });

  it('property: a value is refused only when no writing of it reads back (bare, any quotes, with or without \\n escapes)', () => {
    let refused = 0;
    fc.assert(
      fc.property(value, (v) => {
        const accepted = dotenvValue(v) !== null;
        if (!accepted) refused++;
        expect(accepted || !someWritingReadsBack(v)).toBe(true);
        if (accepted) expect(parse(`${BEFORE}K=${dotenvValue(v)}\n${AFTER}`)).toEqual({ ...NEIGHBOURS, K: v });
      }),
      { numRuns: 5000 },
    );
    // Not a vacuous pass: the alphabet does make values that cannot be written.
    expect(refused).toBeGreaterThan(20);
  });
});
