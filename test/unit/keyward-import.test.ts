// `keyward import FILE --dry-run`, run as the real CLI: it prints what the app's reader (readImportFile) gives for a
// file — format, entries, skipped — and writes nothing; a password comes from the variable --password-env names (never
// an argument) or a terminal; errors are the reader's own words on stderr with exit 1; a wrong command line exits 2.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPORT_FORMATS } from '../../src/interop';
import { readImportFile } from '../../src/interop/read-file';
import { keyward, ROOT, tempDir, writeTemp } from './keyward-cli';

const KDBX = join(ROOT, 'test', 'fixtures', 'interop', 'keepass-kdbx4-aeskdf.kdbx');
const KDBX_PASSWORD = 'fixture-Pass_3.1&4';
const DOTENV = `# made up for this test
API_TOKEN=tok_made_up_123
export DATABASE_URL="postgres://app:pw@db.example/app"
PEM="-----BEGIN-----\\nabc\\n-----END-----"
EMPTY=
`;

type Printed = { format: string; entries: { name: string; value: string }[]; skipped: { name: string; reason: string }[] };

describe('keyward import --dry-run', () => {
  it('prints the format, the normalized entries and the skipped items of a .env as JSON, and writes nothing', () => {
    const dir = tempDir();
    const file = writeTemp(dir, 'app.env', DOTENV);
    const r = keyward(['import', file, '--dry-run', '--json'], { cwd: dir });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Printed;
    expect(Object.keys(out)).toEqual(['format', 'entries', 'skipped']);
    expect(out.format).toBe('dotenv');
    expect(out.entries.map((e) => [e.name, e.value])).toEqual([
      ['API_TOKEN', 'tok_made_up_123'],
      ['DATABASE_URL', 'postgres://app:pw@db.example/app'],
      ['PEM', '-----BEGIN-----\nabc\n-----END-----'],
      ['EMPTY', ''],
    ]);
    expect(out.skipped).toEqual([]);
    expect(readdirSync(dir)).toEqual(['app.env']);
  });

  it('without --json prints counts only (no value)', () => {
    const file = writeTemp(tempDir(), 'app.env', DOTENV);
    const r = keyward(['import', file, '--dry-run']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('format: dotenv\nentries: 4\nskipped: 0\n');
  });

  it('opens a KeePass database with the password from --password-env, exactly as the app reads it', async () => {
    const r = keyward(['import', KDBX, '--dry-run', '--json', '--password-env', 'KW_TEST_KDBX'], { env: { KW_TEST_KDBX: KDBX_PASSWORD } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const expected = await readImportFile(new Uint8Array(readFileSync(KDBX)), { fileName: 'keepass-kdbx4-aeskdf.kdbx', password: KDBX_PASSWORD });
    expect(expected.entries.length).toBeGreaterThan(0);
    expect(JSON.parse(r.stdout)).toEqual({ format: 'kdbx', entries: expected.entries, skipped: expected.skipped });
  });

  it.each<[string, string[], Record<string, string>, number, string]>([
    ['a database with no password and no terminal', [KDBX], {}, 1, '--password-env'],
    ['a wrong password', [KDBX, '--password-env', 'KW_TEST_KDBX'], { KW_TEST_KDBX: 'not the password' }, 1, 'password'],
    ['--password-env naming an unset variable', [KDBX, '--password-env', 'KW_TEST_UNSET_VARIABLE'], {}, 1, 'KW_TEST_UNSET_VARIABLE'],
    ['a cut database', ['CUT'], { KW_TEST_KDBX: KDBX_PASSWORD }, 1, 'damaged'],
    ['a file of no known format', ['JUNK'], {}, 1, 'does not recognise this file'],
    ['a missing file', ['/nonexistent/kw-file.env'], {}, 1, 'cannot read'],
    ['an unknown --format', ['ENV', '--format', 'word-doc'], {}, 2, '--format must be one of'],
    ['a password given as an option value it does not take', ['ENV', '--password', 'x'], {}, 2, 'unknown option --password'],
  ])('refuses %s with words on stderr and nothing on stdout', (_what, args, env, status, words) => {
    const dir = tempDir();
    const files: Record<string, string> = {
      CUT: writeTemp(dir, 'cut.kdbx', readFileSync(KDBX).subarray(0, 400)),
      JUNK: writeTemp(dir, 'junk.bin', new Uint8Array([0, 159, 146, 150, 1, 2, 3])),
      ENV: writeTemp(dir, 'app.env', DOTENV),
    };
    const password = args[0] === 'CUT' ? ['--password-env', 'KW_TEST_KDBX'] : [];
    const r = keyward(['import', ...args.map((a) => files[a] ?? a), '--dry-run', '--json', ...password], { env });
    expect(r.status).toBe(status);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^keyward: /);
    expect(r.stderr).toContain(words);
    expect(r.stderr).not.toContain(KDBX_PASSWORD);
  });

  it('without --dry-run says that importing into a vault happens in the app, and exits 2', () => {
    const dir = tempDir();
    const file = writeTemp(dir, 'app.env', DOTENV);
    const r = keyward(['import', file], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('importing into a vault happens in the app');
    expect(r.stdout).toBe('');
    expect(readdirSync(dir)).toEqual(['app.env']);
  });
});

describe('keyward', () => {
  it('help prints the usage of every subcommand; no command prints it on stderr and exits 2; an unknown one exits 2', () => {
    const help = keyward(['help']);
    expect(help.status).toBe(0);
    for (const c of ['decrypt', 'verify-audit', 'import', 'env', 'run']) expect(help.stdout).toContain(`keyward ${c} `);
    for (const f of IMPORT_FORMATS) expect(help.stdout).toContain(f);
    const none = keyward([]);
    expect([none.status, none.stdout]).toEqual([2, '']);
    expect(none.stderr).toContain('usage: keyward');
    const unknown = keyward(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });
});
