// readImportFile: one door for every format — the format found from the bytes (not the file name alone), the
// password asked only where the file needs one, the size limit, and CSV columns the person may choose.
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeKdbx } from './kdbx-export';
import { fixture, FIXTURE_PASSWORD } from './keepass.test-helper';
import { InteropError, MAX_IMPORT_BYTES, type ImportFormat } from './model';
import { detectFormat, readImportFile } from './read-file';

const text = (s: string) => new TextEncoder().encode(s);

const BITWARDEN = JSON.stringify({ encrypted: false, folders: [{ id: 'f1', name: 'Ops' }], items: [{ id: 'i1', folderId: 'f1', type: 1, name: 'Grafana', notes: null, fields: [], login: { username: 'ops', password: 'graf-pw-1', uris: [{ uri: 'https://grafana.example' }] } }] });
const KEEPASS_XML = `<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<KeePassFile><Meta><Generator>KeePass</Generator></Meta><Root><Group><UUID>AAAAAAAAAAAAAAAAAAAAAA==</UUID><Name>Root</Name>
<Entry><UUID>AAAAAAAAAAAAAAAAAAAAAQ==</UUID><String><Key>Title</Key><Value>Mail</Value></String><String><Key>Password</Key><Value>xml-pw-2</Value></String></Entry>
</Group></Root></KeePassFile>`;
const ONEPUX_DATA = JSON.stringify({ accounts: [{ attrs: { name: 'Ada' }, vaults: [{ attrs: { name: 'Personal' }, items: [{ uuid: 'u1', state: 'active', categoryUuid: '001', overview: { title: 'Shop', url: 'https://shop.example' }, details: { loginFields: [{ designation: 'password', value: 'shop-pw-3', fieldType: 'P', name: 'password' }], notesPlain: '', sections: [] } }] }] }] });

const CASES: [string, Uint8Array, string, ImportFormat, string][] = [
  ['a .env file', text('# app\nAPI_KEY=env-value-0\n'), 'app.env', 'dotenv', 'env-value-0'],
  ['a Bitwarden JSON export', text(BITWARDEN), 'bitwarden_export.json', 'bitwarden-json', 'graf-pw-1'],
  ['a KeePass 2 XML export', text(KEEPASS_XML), 'export.xml', 'keepass-xml', 'xml-pw-2'],
  ['1Password export.data', text(ONEPUX_DATA), 'export.data', '1password-1pux', 'shop-pw-3'],
  ['a .1pux zip', zipSync({ 'export.attributes': strToU8('{"version":3}'), 'export.data': strToU8(ONEPUX_DATA) }), 'x.1pux', '1password-1pux', 'shop-pw-3'],
  ['a Chrome CSV', text('name,url,username,password,note\nshop,https://shop.example,ada,chrome-pw-4,\n'), 'Chrome Passwords.csv', 'chrome-csv', 'chrome-pw-4'],
  ['a KeePassXC CSV', text('"Group","Title","Username","Password","URL","Notes"\n"Root/Web","Forum","ada","kpxc-pw-5","",""\n'), 'x.csv', 'keepassxc-csv', 'kpxc-pw-5'],
];

describe('readImportFile', () => {
  it.each(CASES)('reads %s by its content', async (_what, bytes, fileName, format, value) => {
    expect(detectFormat(bytes, fileName)).toBe(format);
    const result = await readImportFile(bytes, { fileName });
    expect(result.format).toBe(format);
    expect(result.entries.map((e) => e.value)).toContain(value);
  });

  it('finds the format without the file name too', async () => {
    for (const [, bytes, , format] of CASES) expect(detectFormat(bytes)).toBe(format);
  });

  it('asks for the password of a KeePass database, refuses a wrong one, and opens with the right one', async () => {
    const bytes = fixture('keepass-kdbx4-aes-argon2id.kdbx');
    expect(detectFormat(bytes)).toBe('kdbx');
    await expect(readImportFile(bytes)).rejects.toMatchObject({ code: 'PasswordNeeded' });
    await expect(readImportFile(bytes, { password: 'not it' })).rejects.toMatchObject({ code: 'WrongPassword' });
    const result = await readImportFile(bytes, { password: FIXTURE_PASSWORD });
    expect(result.format).toBe('kdbx');
    expect(result.entries.length).toBeGreaterThan(0);
  });

  it('refuses an empty file, a file over the limit, a file of no known format, and bytes that are no text', async () => {
    await expect(readImportFile(new Uint8Array(0))).rejects.toMatchObject({ code: 'Damaged' });
    await expect(readImportFile(new Uint8Array(MAX_IMPORT_BYTES + 1))).rejects.toMatchObject({ code: 'TooLarge' });
    await expect(readImportFile(text('just some words\nwith no structure at all'))).rejects.toMatchObject({ code: 'UnknownFormat' });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff, 0xfe]);
    const error = await readImportFile(png).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteropError);
    expect((error as InteropError).code).toBe('UnknownFormat');
    expect(detectFormat(png)).toBeNull();
  });

  it('refuses a forced format that the bytes are not', async () => {
    await expect(readImportFile(text('A=1'), { format: 'kdbx', password: 'x' })).rejects.toMatchObject({ code: 'Damaged' });
  });

  it('gives the columns of a CSV of no known manager with its guess, and reads it again with the columns chosen', async () => {
    const csv = text('Service,Secret,Owner\nbilling,s3cr3t-a,ada\nsearch,s3cr3t-b,bob\n');
    const guessed = await readImportFile(csv, { fileName: 'mine.csv' });
    expect(guessed.format).toBe('csv');
    expect(guessed.columns!.headers).toEqual(['Service', 'Secret', 'Owner']);
    expect(guessed.entries.map((e) => e.value)).toEqual(['s3cr3t-a', 's3cr3t-b']);
    const chosen = await readImportFile(csv, { fileName: 'mine.csv', mapping: { name: 0, value: 2 } });
    expect(chosen.entries.map((e) => [e.name, e.value])).toEqual([
      ['billing', 'ada'],
      ['search', 'bob'],
    ]);
    expect(chosen.columns!.mapping).toEqual({ name: 0, value: 2 });
  });

  it('keeps a KeePass entry’s own tags beside its group, so a Keyward KDBX export comes back with its tags', async () => {
    const small = { memoryBytes: 1024 * 1024, passes: 1, lanes: 1 };
    const bytes = await writeKdbx([{ name: 'Stripe', tags: ['prod', 'payments'], notes: '', created: 1, updated: 1, versions: [{ value: 'sk_1', created: 1 }] }], 'file-password-1', small);
    const [entry] = (await readImportFile(bytes, { password: 'file-password-1' })).entries;
    expect(entry).toMatchObject({ name: 'Stripe', value: 'sk_1', group: 'prod', tags: ['prod', 'payments'] });
  });
});
