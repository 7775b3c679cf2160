// Fuzzes the text importers (fast-check): random text, random bytes decoded as UTF-8, and truncated or mutated valid
// .env and CSV files are either read (every entry named, the format as asked) or refused with InteropError; no other
// exception escapes detectTextFormat, csvHeaders, guessCsvMapping or parseText, and hostile shapes finish quickly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IMPORT_FORMATS, InteropError, type ImportFormat, type ImportResult } from './model';
import { csvHeaders, detectTextFormat, guessCsvMapping, parseText, type CsvMapping } from './text-formats';
import { thrown } from '../../test/unit/thrown';

const TEXT_FORMATS: ImportFormat[] = ['dotenv', 'bitwarden-csv', 'keepass-csv', 'keepassxc-csv', '1password-csv', 'lastpass-csv', 'chrome-csv', 'firefox-csv', 'csv'];

/** Valid samples of every text format (made up here), the seeds the mutations start from. */
const SAMPLES = [
  'API_KEY=abc\nexport DB_URL="postgres://u:p@h/db" # comment\nPEM="-----BEGIN-----\nAAAA\n-----END-----"\nEMPTY=\n',
  'folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp\r\nMail,,login,forge,"two\r\nlines","pin: 1\r\nold: 2",https://forge.test,quill,"p,""w",\r\n',
  '"Account","Login Name","Password","Web Site","Comments"\n"forge","quill","pw","https://forge.test",""\n',
  '"Group","Title","Username","Password","URL","Notes"\n"Root/Mail","forge","quill","pw","",""\n',
  'Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes\n"forge","https://f.test","q","pw","","false","false","",""\n',
  '"Notes","Password","Tags","Title","Type","username(username)"\n"n","pw","{(\n    \\"Tag\\"\n)}","t","Login","u"\n',
  'url,username,password,extra,name,grouping,fav\nhttp://sn,,,"note",memo,A\\B,0\n',
  'name,url,username,password,note\n"forge","https://forge.test","quill","pw"\n',
  '"url","username","password","httpRealm","formActionOrigin","guid"\r\n"https://f.test","","pw",,"","{x}"\r\n',
  'Service;Login;Secret\nforge;quill;pw\n',
];


function checkResult(result: ImportResult, format: ImportFormat): void {
  expect(result.format).toBe(format);
  for (const entry of result.entries) {
    expect(entry.name.trim()).not.toBe('');
    for (const part of [entry.value, entry.username, entry.url, entry.notes, entry.totp, entry.group]) expect(typeof part).toBe('string');
  }
}

/** Every entry point on one text: only InteropError may come out, and a result is well formed. */
function everything(text: string, mapping?: CsvMapping): void {
  const detected = detectTextFormat(text, 'file.csv');
  expect(detected === null || IMPORT_FORMATS.includes(detected)).toBe(true);
  const headers = csvHeaders(text);
  guessCsvMapping(headers);
  for (const format of TEXT_FORMATS) {
    let result: ImportResult | undefined;
    const e = thrown(() => {
      result = parseText(text, format, mapping);
    });
    expect(e === null || e instanceof InteropError, `${format}: ${String(e)}`).toBe(true);
    if (result) checkResult(result, format);
  }
}

/** Text mostly from the characters that matter to CSV and .env parsers. */
const nearText = fc.array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(',', '"', '\\', '\n', '\r', ';', '\t', '=', '#', "'", '`', ' ', 'a', 'name', 'password', 'url', 'title', 'export ', '\ufeff') }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) }), { maxLength: 60 }).map((parts) => parts.join(''));

/** A sample cut short, with a few characters changed, inserted or removed. */
const mutated = fc
  .tuple(fc.constantFrom(...SAMPLES), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 4 }), fc.nat())
  .map(([sample, edits, cut]) => {
    let text = sample;
    for (const [at, remove, insert] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + insert + text.slice(i + remove);
    }
    return text.slice(0, cut % (text.length + 1));
  });

const mapping = fc.record({ name: fc.integer({ min: -1, max: 8 }), value: fc.integer({ min: -1, max: 8 }), username: fc.integer({ min: 0, max: 8 }) }, { requiredKeys: [] });

describe('text importers under fuzzing', () => {
  it('valid samples are read in their detected format', () => {
    for (const sample of SAMPLES) {
      const format = detectTextFormat(sample);
      expect(format, sample.slice(0, 30)).not.toBeNull();
      expect(parseText(sample, format ?? 'csv').entries.length).toBeGreaterThan(0);
    }
  });

  it('random text: a result or InteropError, never another exception', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (text) => everything(text)), { numRuns: 400 });
  });

  it('near-CSV/.env text with random column mappings: a result or InteropError', () => {
    fc.assert(fc.property(nearText, fc.option(mapping, { nil: undefined }), (text, m) => everything(text, m)), { numRuns: 600 });
  });

  it('random bytes decoded as UTF-8 (with replacement characters): a result or InteropError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => everything(new TextDecoder().decode(bytes))), { numRuns: 300 });
  });

  it('truncated and mutated valid files: a result or InteropError', () => {
    fc.assert(fc.property(mutated, (text) => everything(text)), { numRuns: 600 });
  });

  it('hostile shapes (endless quotes, escapes, long runs, many lines) finish quickly, in linear time', () => {
    const dotenvShapes = [
      "A='\\'".repeat(20_000),
      'A="'.repeat(20_000),
      ('K=' + ' '.repeat(50) + '\n').repeat(5_000),
      `A=${"\u2028'x".repeat(100_000)}`,
      Array.from({ length: 5_000 }, (_, i) => `K${i}='${"\\'".repeat(3)}`).join('\n'),
    ];
    const csvShapes = ['a,'.repeat(50_000), '"'.repeat(100_000), ('x,"' + '\\"'.repeat(10) + '\n').repeat(5_000), `name,url,username,password\n${'a,b,c,d\n'.repeat(20_000)}`];
    const timed = (text: string, format: ImportFormat): void => {
      const start = Date.now();
      expect(thrown(() => checkResult(parseText(text, format), format)) ?? null).toSatisfy((e: unknown) => e === null || e instanceof InteropError);
      detectTextFormat(text);
      expect(Date.now() - start, `${format}: ${text.slice(0, 20)}`).toBeLessThan(10_000);
    };
    for (const text of dotenvShapes) timed(text, 'dotenv');
    for (const text of csvShapes) for (const format of ['chrome-csv', 'csv'] as const) timed(text, format);
  });
});
