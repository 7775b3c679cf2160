// Tests the KDBX 4 export: read back by our own parseKdbx, inspected with kdbxweb (version, cipher, Argon2id settings,
// tags, times, history), and opened by the real keepassxc-cli (Debian's keepassxc, installed by .ci/run), which must
// list every entry with its value and keep every older version as history. A missing keepassxc-cli fails the test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kdbx, KdbxEntry } from 'kdbxweb';
import { kdbx, toArrayBuffer } from './kdbx-engine';
import { EXPORT_KDF, writeKdbx, type ExportKey } from './kdbx-export';
import { parseKdbx } from './kdbx-import';
import { InteropError } from './model';

const PASSWORD = 'export-Pässword 7';
const day = (n: number) => Date.UTC(2025, 0, 1) + n * 86_400_000;

const KEYS: ExportKey[] = [
  {
    name: 'API_TOKEN',
    tags: ['prod', 'api'],
    notes: 'Issued by the payments team.\nRotate quarterly.\tTab kept.',
    created: day(0),
    updated: day(60),
    versions: [
      { value: 'tok-old-1', created: day(0) },
      { value: 'tok-old-2', created: day(30) },
      { value: `cur <&> "quoted" 'single' \\ back\ttab`, created: day(60) },
    ],
  },
  { name: 'Root key', tags: [], notes: '', created: day(1), updated: day(1), versions: [{ value: 'root-value', created: day(1) }] },
  { name: 'unicode ключ 🔑', tags: ['prod'], notes: 'ü', created: day(2), updated: day(3), versions: [{ value: 'пароль 🔒', created: day(2) }, { value: '  spaced\nsecond line  ', created: day(3) }] },
  { name: 'never set', tags: ['db'], notes: '', created: day(4), updated: day(4), versions: [] },
];

/** Where each key lands: the group of its first tag, or the root. */
const PATHS = ['prod/API_TOKEN', 'Root key', 'prod/unicode ключ 🔑', 'db/never set'];

let bytes: Uint8Array;
let dir: string;
let file: string;

function cli(args: string[]): string {
  const run = spawnSync('keepassxc-cli', args, { input: `${PASSWORD}\n`, encoding: 'utf8' });
  if (run.error) throw new Error(`keepassxc-cli could not run (${run.error.message}): install Debian's keepassxc package (.ci/run does)`);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

async function loadWithKdbxweb(data: Uint8Array): Promise<Kdbx> {
  const lib = kdbx();
  return lib.Kdbx.load(toArrayBuffer(data), new lib.KdbxCredentials(lib.ProtectedValue.fromString(PASSWORD)));
}

function entryByTitle(db: Kdbx, title: string): KdbxEntry {
  for (const entry of db.getDefaultGroup().allEntries()) if (entry.fields.get('Title') === title) return entry;
  throw new Error(`no entry ${title}`);
}

const text = (value: unknown) => (typeof value === 'string' ? value : (value as { getText(): string }).getText());

beforeAll(async () => {
  bytes = await writeKdbx(KEYS, PASSWORD);
  dir = mkdtempSync(join(tmpdir(), 'keyward-kdbx-'));
  file = join(dir, 'export.kdbx');
  writeFileSync(file, bytes);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeKdbx', () => {
  it('reads back through parseKdbx: one entry per key, its current value, notes, and the first tag as its group', async () => {
    const result = await parseKdbx(bytes, PASSWORD);
    const got = result.entries.map((e) => ({ name: e.name, value: e.value, notes: e.notes, group: e.group }));
    expect(got).toEqual([
      { name: 'Root key', value: 'root-value', notes: '', group: '' },
      { name: 'API_TOKEN', value: KEYS[0]!.versions[2]!.value, notes: KEYS[0]!.notes, group: 'prod' },
      { name: 'unicode ключ 🔑', value: '  spaced\nsecond line  ', notes: 'ü', group: 'prod' },
      { name: 'never set', value: '', notes: '', group: 'db' },
    ]);
    expect(result.skipped).toEqual([]);
    expect((await parseKdbx(bytes, 'not it').then(() => null, (e: unknown) => e)) as InteropError).toMatchObject({ code: 'WrongPassword' });
  });

  it('is KDBX 4 with AES-256 and Argon2id at 64 MiB, 3 passes, 2 lanes; the password is protected', async () => {
    const lib = kdbx();
    const db = await loadWithKdbxweb(bytes);
    expect(db.versionMajor).toBe(4);
    expect(db.header.dataCipherUuid?.toString()).toBe(lib.Consts.CipherId.Aes);
    const params = db.header.kdfParameters!;
    expect(lib.ByteUtils.bytesToBase64(params.get('$UUID') as ArrayBuffer)).toBe(lib.Consts.KdfId.Argon2id);
    expect((params.get('M') as InstanceType<typeof lib.Int64>).value).toBe(EXPORT_KDF.memoryBytes);
    expect((params.get('I') as InstanceType<typeof lib.Int64>).value).toBe(3);
    expect(params.get('P')).toBe(2);
    expect(EXPORT_KDF).toEqual({ memoryBytes: 64 * 1024 * 1024, passes: 3, lanes: 2 });
    expect(entryByTitle(db, 'API_TOKEN').fields.get('Password')).toBeInstanceOf(lib.ProtectedValue);
  });

  it('keeps tags, creation and modification times, and every older version as history with its value and time', async () => {
    const db = await loadWithKdbxweb(bytes);
    const api = entryByTitle(db, 'API_TOKEN');
    expect(api.tags).toEqual(['prod', 'api']);
    expect(api.times.creationTime?.getTime()).toBe(day(0));
    expect(api.times.lastModTime?.getTime()).toBe(day(60));
    expect(api.history.map((h) => [text(h.fields.get('Password')), h.times.lastModTime?.getTime(), h.fields.get('Title')])).toEqual([
      ['tok-old-1', day(0), 'API_TOKEN'],
      ['tok-old-2', day(30), 'API_TOKEN'],
    ]);
    expect(api.history.every((h) => h.uuid.equals(api.uuid))).toBe(true);
    const unicode = entryByTitle(db, 'unicode ключ 🔑');
    expect(unicode.history.map((h) => text(h.fields.get('Password')))).toEqual(['пароль 🔒']);
    expect(entryByTitle(db, 'Root key').history).toEqual([]);
    expect(entryByTitle(db, 'never set').history).toEqual([]);
    // Nothing trims that history on KeePass's or KeePassXC's next save.
    expect(db.meta.historyMaxItems).toBe(-1);
  });

  it('refuses an empty password, and writes an empty vault', async () => {
    for (const password of ['', undefined as unknown as string]) {
      const error = await writeKdbx(KEYS, password).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(InteropError);
      expect((error as InteropError).code).toBe('PasswordNeeded');
    }
    expect((await parseKdbx(await writeKdbx([], 'p'), 'p')).entries).toEqual([]);
  });

  it('drops the characters XML cannot hold from names and notes (KeePassXC would refuse the file), keeps them in values', async () => {
    const key: ExportKey = { name: 'bell\u0007name', tags: ['t\u0001ag'], notes: 'n\u0000o', created: day(0), updated: day(0), versions: [{ value: 'v\u0007al', created: day(0) }] };
    const [entry] = (await parseKdbx(await writeKdbx([key], 'p'), 'p')).entries;
    expect(entry).toMatchObject({ name: 'bellname', notes: 'no', group: 'tag', value: 'v\u0007al' });
  });
});

describe('the export in the real keepassxc-cli', () => {
  it('lists every entry in its group', () => {
    const listed = cli(['ls', '-q', '-R', '-f', file]).split('\n').filter((line) => line !== '');
    for (const path of PATHS) expect(listed).toContain(path);
    expect(listed.filter((line) => !line.endsWith('/') && !line.endsWith('[empty]'))).toHaveLength(KEYS.length);
  });

  it('shows each current value, byte for byte, and the tags', () => {
    KEYS.forEach((key, i) => {
      const current = key.versions[key.versions.length - 1]?.value ?? '';
      expect(cli(['show', '-q', '-s', '-a', 'Password', file, PATHS[i]!])).toBe(`${current}\n`);
    });
    expect(cli(['show', '-q', '-a', 'Tags', file, PATHS[0]!]).trim().split(',').sort()).toEqual(['api', 'prod']);
  });

  it('keeps the older versions as history (read from the XML keepassxc-cli exports)', async () => {
    const xml = cli(['export', '-q', '-f', 'xml', file]);
    const lib = kdbx();
    const db = await lib.Kdbx.loadXml(xml, new lib.KdbxCredentials(null));
    const api = entryByTitle(db, 'API_TOKEN');
    expect(text(api.fields.get('Password'))).toBe(KEYS[0]!.versions[2]!.value);
    expect(api.history.map((h) => [text(h.fields.get('Password')), h.times.lastModTime?.getTime()])).toEqual([
      ['tok-old-1', day(0)],
      ['tok-old-2', day(30)],
    ]);
    expect(entryByTitle(db, 'unicode ключ 🔑').history.map((h) => text(h.fields.get('Password')))).toEqual(['пароль 🔒']);
  });

  it('refuses a wrong password', () => {
    const run = spawnSync('keepassxc-cli', ['ls', '-q', file], { input: 'wrong\n', encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.status).not.toBe(0);
  });
});
