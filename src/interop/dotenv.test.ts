// Tests the .env importer: our own fixtures (test/fixtures/interop/dotenv-*.env, after the shapes of dotenv's test
// files) give the expected map, and a fast-check property holds our parse equal to the `dotenv` package's parse()
// on random and near-.env text. The one deliberate difference: a "__proto__" key is an entry here, dotenv drops it.
import { readFileSync } from 'node:fs';
import dotenv from 'dotenv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dotenvPairs, looksLikeDotenv, parseDotenv } from './dotenv';

const fixture = (name: string): string => readFileSync(new URL(`../../test/fixtures/interop/${name}`, import.meta.url), 'utf8');

const CASES: Record<string, string> = {
  APP_NAME: 'keyward',
  AFTER_BLANK: 'after blank',
  NOTHING: '',
  NOTHING_SINGLE: '',
  NOTHING_DOUBLE: '',
  NOTHING_BACKTICK: '',
  SINGLE: 'single value',
  SINGLE_PADDED: '   padded single   ',
  DOUBLE: 'double value',
  DOUBLE_PADDED: '   padded double   ',
  DOUBLE_IN_SINGLE: 'a "quoted" word in single quotes',
  SINGLE_IN_DOUBLE: "a 'quoted' word in double quotes",
  BRACES_IN_DOUBLE: '{ host: $DB_HOST}',
  BACKTICK_IN_SINGLE: '`ticks` in single quotes',
  BACKTICK_IN_DOUBLE: '`ticks` in double quotes',
  BACKTICK: 'ticked',
  BACKTICK_PADDED: '   padded ticks   ',
  BOTH_IN_BACKTICK: `say "hi" and 'bye'`,
  NEWLINES_DOUBLE: 'line one\nline two\nline three',
  NEWLINES_BARE: 'stays\\nliteral',
  NEWLINES_SINGLE: 'stays\\nliteral',
  CR_DOUBLE: 'carriage\rreturn',
  INLINE_COMMENT: 'some words',
  HASH_IN_SINGLE: 'keeps #this',
  HASH_IN_DOUBLE: 'keeps #this too',
  HASH_IN_BACKTICK: 'keeps #this as well',
  HASH_NO_SPACE: 'cut at the',
  EQUALS_IN_VALUE: 'a=b==c',
  JSON_BARE: '{"region": "north"}',
  JSON_SINGLE: '{"region": "north"}',
  JSON_BACKTICK: `{"region": "north's"}`,
  LEADING_SPACES: 'spaced value',
  MAIL: 'someone@example.invalid',
  INDENTED_KEY: 'indented',
  EXPORTED: 'yes',
  EXPORTED_SPACED: 'yes',
  EXPORTED_SPACED_EQUALS: 'yes',
  COLON_KEY: 'colon value',
  'dotted.key-name': 'dotted',
  REPEATED: 'second',
};

const MULTILINE: Record<string, string> = {
  PLAIN: 'plain',
  MULTI_DOUBLE: 'first\nsecond',
  MULTI_SINGLE: 'first\nsecond\nthird',
  MULTI_BACKTICK: `first\n"second"\n'third'`,
  MULTI_PEM: '-----BEGIN PUBLIC KEY-----\nTUFERS1VUC1LRVktRk9SLVRFU1RTLU9OTFk=\nTk9ULUEtUkVBTC1LRVk=\n-----END PUBLIC KEY-----',
  MULTI_WITH_ESCAPE: 'first\nsecond\nthird',
  AFTER: 'after',
};

describe('parseDotenv on our fixtures', () => {
  it('reads every single-line case: quotes, comments, export, ":" separator, empty values (40 entries)', () => {
    const text = fixture('dotenv-cases.env');
    const result = parseDotenv(text);
    expect(result.format).toBe('dotenv');
    expect(result.skipped).toEqual([]);
    expect(result.entries).toHaveLength(40);
    expect(Object.fromEntries(result.entries.map((e) => [e.name, e.value]))).toEqual(CASES);
    expect(dotenv.parse(text)).toEqual(CASES);
  });

  it('makes plain entries: the name and value only, nothing else filled in', () => {
    const entry = parseDotenv('API_TOKEN=tok-123\n').entries[0];
    expect(entry).toEqual({ name: 'API_TOKEN', value: 'tok-123', username: '', url: '', notes: '', totp: '', group: '', fields: [] });
  });

  it('a "# KEY=value" line is a comment, not an entry', () => {
    expect(parseDotenv(fixture('dotenv-cases.env')).entries.map((e) => e.name)).not.toContain('HIDDEN');
  });

  it('a later duplicate key wins, in the place of the first (dotenv keeps the last value too)', () => {
    expect(dotenvPairs('A=1\nB=2\nA=3\n')).toEqual([
      ['A', '3'],
      ['B', '2'],
    ]);
  });

  it('reads multi-line double, single and backtick values and a PEM key (7 entries)', () => {
    const text = fixture('dotenv-multiline.env');
    expect(Object.fromEntries(dotenvPairs(text))).toEqual(MULTILINE);
    expect(dotenv.parse(text)).toEqual(MULTILINE);
  });

  it('strips the BOM from the first key and reads CRLF line ends, also inside quotes', () => {
    expect(dotenvPairs(fixture('dotenv-bom-crlf.env'))).toEqual([
      ['FIRST_AFTER_BOM', 'bom'],
      ['SECOND', 'crlf'],
      ['QUOTED_CRLF', 'one\ntwo'],
    ]);
  });

  it('expands \\n only in double quotes, and a value may contain a lone quote when unclosed', () => {
    expect(dotenvPairs('A="x\\ny"\nB=\'x\\ny\'\nC=x\\ny\nD="open\nE=`half')).toEqual([
      ['A', 'x\ny'],
      ['B', 'x\\ny'],
      ['C', 'x\\ny'],
      ['D', '"open'],
      ['E', '`half'],
    ]);
  });

  it('gives no entry for text with no assignment', () => {
    expect(parseDotenv('').entries).toEqual([]);
    expect(parseDotenv('# only a comment\n\n   \n').entries).toEqual([]);
    expect(parseDotenv('just some words\nand more').entries).toEqual([]);
  });

  it('keeps "__proto__" as an ordinary entry name (no prototype is touched)', () => {
    expect(dotenvPairs('__proto__=x\nconstructor=y')).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('looksLikeDotenv', () => {
  it.each([
    ['KEY=value', true],
    ['# header comment\nexport KEY=value\nOTHER="x"', true],
    ['\ufeffKEY: value', true],
    ['name,url,username,password\na,b,c,d', false],
    ['just words', false],
    ['', false],
    ['# only comments', false],
    ['KEY=value\nnot an assignment\nstill not\nnope', false],
    ['# a key alone\nPRIVATE_KEY="-----BEGIN KEY-----\nAAAA\nBBBB\nCCCC\n-----END KEY-----"\n', true],
    ['words first\nKEY=value', false],
  ])('%j → %s', (text, expected) => {
    expect(looksLikeDotenv(text)).toBe(expected);
  });
});

/** Text made of the pieces that matter to a .env parser, so edge cases (quotes, escapes, comments, separators,
 * line ends of every kind) meet often. */
const PIECES = ['A', 'b', 'KEY_1', '.', '-', '=', ':', ' ', '\t', '\n', '\r', '\r\n', "'", '"', '`', '#', '\\', 'n', 'r', 'export ', 'export', 'x y', '\u2028', '\ufeff', '\u00a0', "='", '="', '=`', '1', 'é', '\\n', '\\r', '\n#c\n', '"a\\rb"', "'\\''"];
const envLike = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(''));

/** Our pairs and dotenv's object as one sorted list ("__proto__" left out: dotenv cannot hold it as a key). */
function both(text: string): { ours: [string, string][]; theirs: [string, string][] } {
  const ours = dotenvPairs(text)
    .filter(([k]) => k !== '__proto__')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const theirs = Object.entries(dotenv.parse(text)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { ours, theirs };
}

describe('parse equals dotenv.parse (fast-check)', () => {
  it('on text built from .env pieces', () => {
    fc.assert(
      fc.property(envLike, (text) => {
        const { ours, theirs } = both(text);
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 4000 },
    );
  });

  it('on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const { ours, theirs } = both(text);
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 1500 },
    );
  });

  it('on generated well-formed files: every key and value comes back', () => {
    const key = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/);
    const value = fc.string({ maxLength: 20 }).filter((v) => !/["'`\\\n\r#]/.test(v) && v.trim() === v);
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 8 }), fc.constantFrom('', 'export '), fc.constantFrom("'", '"', '`'), (pairs, prefix, quote) => {
        const text = pairs.map(([k, v]) => `${prefix}${k}=${quote}${v}${quote}`).join('\n');
        expect(dotenvPairs(text)).toEqual(pairs);
        expect(both(text).ours).toEqual(both(text).theirs);
      }),
      { numRuns: 500 },
    );
  });
});
