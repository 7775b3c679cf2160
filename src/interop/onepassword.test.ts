// Tests the 1Password .1pux reader on an export written here after the shapes of real ones: every item kind as one
// entry (archived and trashed too), which field becomes the value, hidden and visible fields, the vault as the
// group; then the zip: only export.data is read, and lying sizes, other compressions and broken zips are refused.
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { InteropError, MAX_IMPORT_BYTES, type ImportEntry } from './model';
import { is1PasswordData, parse1PasswordData, parse1pux } from './onepassword';

const field = (title: string, id: string, value: Record<string, unknown>) => ({ title, id, value, indexAtSource: 0, guarded: false, multiline: false, dontGenerate: false, inputTraits: { keyboard: 'default' } });

const DATA = {
  accounts: [
    {
      attrs: { accountName: 'Sam Sample', name: 'Sam Sample', email: 'sam@example.test', uuid: 'ACCT1', domain: 'https://my.example.test/' },
      vaults: [
        {
          attrs: { uuid: 'v1', desc: '', name: 'Private', type: 'P' },
          items: [
            {
              uuid: 'a1',
              favIndex: 1,
              createdAt: 1700000000,
              updatedAt: 1700000100,
              state: 'active',
              categoryUuid: '001',
              details: {
                loginFields: [
                  { value: 'sam@example.test', id: '', name: 'email', fieldType: 'E', designation: 'username' },
                  { value: 'Pa55-w0rd!', id: '', name: 'password', fieldType: 'P', designation: 'password' },
                  { value: '✓', id: 'remember', name: 'remember', fieldType: 'C' },
                  { value: '', id: 'terms', name: 'terms', fieldType: 'C' },
                  { value: 'other-secret', id: 'pin2', name: 'pin2', fieldType: 'P' },
                ],
                notesPlain: 'first line\nsecond line ',
                sections: [
                  {
                    title: 'Extra',
                    name: 'Section_x',
                    fields: [
                      field('one-time password', 'TOTP_abc', { totp: 'otpauth://totp/Sample?secret=JBSWY3DP' }),
                      field('recovery PIN', 'kq5s7bmdkqolwh6m4w3xfcpxsy', { concealed: '8642' }),
                      field('phone', 'p1', { phone: '+1 555 0100' }),
                      field('empty one', 'e1', { string: '' }),
                      field('', 'zvqk3mfnsg4pl5r6tb7ux2wyha', { string: 'untitled value' }),
                    ],
                  },
                ],
                passwordHistory: [{ value: 'older-password', time: 1600000000 }],
              },
              overview: {
                subtitle: 'sam@example.test',
                urls: [
                  { label: 'website', url: 'https://login.example.test' },
                  { label: '', url: 'https://m.example.test' },
                ],
                title: 'Example login',
                url: 'https://login.example.test',
                tags: ['Work', 'Work/Email'],
              },
            },
            {
              uuid: 'a2',
              state: 'archived',
              categoryUuid: '001',
              details: { loginFields: [{ value: 'old', designation: 'password', fieldType: 'P' }], sections: [], passwordHistory: [] },
              overview: { title: 'Archived login', url: 'https://old.example.test' },
            },
            { categoryUuid: '005', details: { loginFields: [], sections: [], passwordHistory: [], password: 'standalone-pw' }, overview: { title: 'Router admin' } },
            {
              uuid: 'a4',
              trashed: true,
              categoryUuid: '110',
              details: {
                loginFields: [],
                notesPlain: 'prod box',
                sections: [
                  { title: '', fields: [field('URL', 'url', { string: 'ssh://10.0.0.9' }), field('username', 'username', { string: 'admin' }), field('password', 'password', { concealed: 'srv-Secret' })] },
                  { title: 'Admin Console', name: 'admin_console', fields: [field('console password', 'admin_console_password', { concealed: 'console-Secret' })] },
                ],
                passwordHistory: [],
              },
              overview: { title: 'Build server' },
            },
            {
              uuid: 'a5',
              categoryUuid: '002',
              details: {
                loginFields: [],
                sections: [
                  {
                    title: 'Credit Card Fields',
                    fields: [
                      field('cardholder name', 'cardholder', { string: 'S. Sample' }),
                      field('type', 'type', { creditCardType: 'visa' }),
                      field('number', 'ccnum', { creditCardNumber: '4000123412341234' }),
                      field('verification number', 'cvv', { concealed: '987' }),
                      field('expiry date', 'expiry', { monthYear: 203105 }),
                      field('valid from', 'validFrom', { monthYear: null }),
                    ],
                  },
                ],
              },
              overview: { title: 'Visa' },
            },
            {
              uuid: 'a6',
              categoryUuid: '004',
              details: {
                loginFields: [],
                sections: [
                  {
                    title: 'Identification',
                    fields: [
                      field('first name', 'firstname', { string: 'Sam' }),
                      field('birth date', 'birthdate', { date: 946684800 }),
                      field('anniversary', 'anniv', { date: null }),
                    ],
                  },
                  {
                    title: 'Address',
                    fields: [field('address', 'address', { address: { street: '1 Main St', city: 'Springfield', country: 'us', zip: '12345', state: '' } })],
                  },
                  { title: 'Internet Details', fields: [field('email', 'email', { email: { email_address: 'sam@mail.example.test', provider: null } }), field('username', 'username', { string: 'samsample' })] },
                ],
              },
              overview: { title: 'Me' },
            },
          ],
        },
        {
          attrs: { uuid: 'v2', name: 'Team', type: 'U' },
          items: [
            { uuid: 'b1', categoryUuid: '006', details: { loginFields: [], sections: [], documentAttributes: { fileName: 'contract.pdf', documentId: 'd1', decryptedSize: 1234 } }, overview: { title: 'Contract' } },
            { uuid: 'b2', categoryUuid: '003', details: { loginFields: [], notesPlain: 'just a note', sections: [] }, overview: { title: '' } },
            { uuid: 'b3', categoryUuid: '114', details: { sections: [{ title: '', fields: [field('private key', 'private_key', { sshKey: { privateKey: '-----BEGIN PRIVATE KEY-----\nMC4C\n-----END PRIVATE KEY-----', metadata: { publicKey: 'ssh-ed25519 AAAA' } } })] }] }, overview: { title: 'git key' } },
            42,
            { uuid: 'b5', categoryUuid: '999' },
          ],
        },
      ],
    },
  ],
};

const byName = (entries: ImportEntry[], name: string) => entries.find((e) => e.name === name)!;

describe('parse1PasswordData', () => {
  const result = parse1PasswordData(JSON.stringify(DATA));

  it('reads every item of every vault as an entry (archived and trashed too), skipping only what is not an item', () => {
    expect(result.format).toBe('1password-1pux');
    expect(result.entries.map((e) => [e.name, e.group])).toEqual([
      ['Example login', 'Private'],
      ['Archived login', 'Private'],
      ['Router admin', 'Private'],
      ['Build server', 'Private'],
      ['Visa', 'Private'],
      ['Me', 'Private'],
      ['Contract', 'Team'],
      ['Secure note 8', 'Team'],
      ['git key', 'Team'],
      ['Item 11', 'Team'],
    ]);
    expect(result.skipped).toEqual([{ name: 'Item 10', reason: expect.stringMatching(/not a 1Password item/) }]);
  });

  it('a login: designated username and password, first URL, TOTP, other fields by kind, tags as tags', () => {
    expect(byName(result.entries, 'Example login')).toEqual({
      name: 'Example login',
      value: 'Pa55-w0rd!',
      username: 'sam@example.test',
      url: 'https://login.example.test',
      notes: 'first line\nsecond line ',
      totp: 'otpauth://totp/Sample?secret=JBSWY3DP',
      group: 'Private',
      fields: [
        { name: 'URL 2', value: 'https://m.example.test', hidden: false },
        { name: 'remember', value: 'true', hidden: false },
        { name: 'terms', value: 'false', hidden: false },
        { name: 'pin2', value: 'other-secret', hidden: true },
        { name: 'recovery PIN', value: '8642', hidden: true },
        { name: 'phone', value: '+1 555 0100', hidden: false },
        { name: 'Extra', value: 'untitled value', hidden: false },
      ],
      tags: ['Work', 'Work/Email'],
    });
  });

  it('the value of other kinds: details.password, a server password, a card number, an SSH private key; none for an identity', () => {
    const e = result.entries;
    expect(byName(e, 'Archived login')).toMatchObject({ value: 'old', url: 'https://old.example.test' });
    expect(byName(e, 'Router admin').value).toBe('standalone-pw');
    expect(byName(e, 'Build server')).toMatchObject({
      value: 'srv-Secret',
      username: 'admin',
      notes: 'prod box',
      fields: [
        { name: 'URL', value: 'ssh://10.0.0.9', hidden: false },
        { name: 'console password', value: 'console-Secret', hidden: true },
      ],
    });
    expect(byName(e, 'Visa')).toMatchObject({
      value: '4000123412341234',
      fields: [
        { name: 'cardholder name', value: 'S. Sample', hidden: false },
        { name: 'type', value: 'visa', hidden: false },
        { name: 'verification number', value: '987', hidden: true },
        { name: 'expiry date', value: '2031-05', hidden: false },
      ],
    });
    expect(byName(e, 'Me')).toMatchObject({
      value: '',
      username: 'samsample',
      fields: [
        { name: 'first name', value: 'Sam', hidden: false },
        { name: 'birth date', value: '2000-01-01', hidden: false },
        { name: 'address', value: '1 Main St, Springfield, 12345, us', hidden: false },
        { name: 'email', value: 'sam@mail.example.test', hidden: false },
      ],
    });
    expect(byName(e, 'git key')).toMatchObject({ value: expect.stringMatching(/^-----BEGIN PRIVATE KEY-----/), fields: [] });
    expect(byName(e, 'Contract')).toMatchObject({ value: '', fields: [{ name: 'Document', value: 'contract.pdf', hidden: false }] });
    expect(byName(e, 'Secure note 8')).toMatchObject({ value: '', notes: 'just a note' });
  });

  it('login fields without designations: a filled password-typed field is the value, an e-mail field the username', () => {
    const item = { categoryUuid: '001', details: { loginFields: [{ value: 'kim@example.test', name: 'email', fieldType: 'E' }, { value: 'pw-1', name: 'pass', fieldType: 'P' }] }, overview: { title: 'undesignated' } };
    const doc = { accounts: [{ vaults: [{ attrs: { name: 'V' }, items: [item] }] }] };
    expect(parse1PasswordData(JSON.stringify(doc)).entries[0]).toMatchObject({ value: 'pw-1', username: 'kim@example.test', fields: [] });
  });

  it.each([
    ['not JSON', 'nope'],
    ['a JSON array', '[]'],
    ['no accounts', '{"vaults":[]}'],
    ['accounts not a list', '{"accounts":{}}'],
  ])('%s is Damaged', (_, text) => {
    expect(() => parse1PasswordData(text)).toThrow(expect.objectContaining({ code: 'Damaged' }));
  });

  it('odd shapes inside are passed over, not thrown on', () => {
    const odd = { accounts: [null, { vaults: 'x' }, { vaults: [null, { attrs: 5, items: [{ details: [], overview: 'x' }] }] }] };
    expect(parse1PasswordData(JSON.stringify(odd)).entries).toEqual([{ name: 'Item 1', value: '', username: '', url: '', notes: '', totp: '', group: '', fields: [] }]);
  });
});

describe('is1PasswordData', () => {
  it('recognises export.data, with or without a byte-order mark', () => {
    expect(is1PasswordData(JSON.stringify(DATA))).toBe(true);
    expect(is1PasswordData('\ufeff' + JSON.stringify(DATA, null, 2))).toBe(true);
  });
  it.each([
    ['a Bitwarden export', '{"encrypted":false,"folders":[],"items":[]}'],
    ['accounts without vaults', '{"accounts":[{"attrs":{}}]}'],
    ['no accounts at all', '{"accounts":[]}'],
    ['broken JSON', '{"accounts":[{"vaults":['],
    ['a .1pif record', '{"typeName":"webforms.WebForm","uuid":"x","title":"accounts"}'],
  ])('does not claim %s', (_, text) => expect(is1PasswordData(text)).toBe(false));
});

/** A .1pux zip as 1Password writes it: export.attributes, export.data and an attachment. */
function pux(data: string | Uint8Array = JSON.stringify(DATA), extra: Record<string, Uint8Array> = {}): Uint8Array {
  return zipSync({
    'export.attributes': strToU8('{"version":3,"description":"1Password Unencrypted Export","timestamp":1700000000}'),
    'export.data': typeof data === 'string' ? strToU8(data) : data,
    'files/': new Uint8Array(0),
    'files/abc__logo.png': new Uint8Array(2048).fill(7),
    ...extra,
  });
}

/** Rewrites a member's central directory record (what fflate's unzipSync trusts): its method and declared sizes. */
function patch(zip: Uint8Array, name: string, change: { compression?: number; size?: number; originalSize?: number }): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let at = 0; at < out.length - 46; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(at + 28, true);
    if (new TextDecoder().decode(out.subarray(at + 46, at + 46 + nameLength)) !== name) continue;
    if (change.compression !== undefined) view.setUint16(at + 10, change.compression, true);
    if (change.size !== undefined) view.setUint32(at + 20, change.size, true);
    if (change.originalSize !== undefined) view.setUint32(at + 24, change.originalSize, true);
    return out;
  }
  throw new Error(`no member ${name}`);
}

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'no error';
  } catch (error) {
    return error instanceof InteropError ? error.code : `other: ${String(error)}`;
  }
}

describe('parse1pux', () => {
  it('reads export.data from the zip, the same as the JSON alone', () => {
    expect(parse1pux(pux())).toEqual(parse1PasswordData(JSON.stringify(DATA)));
  });

  it('never inflates the attachments: one that claims 4 GB changes nothing', () => {
    const zip = patch(pux(), 'files/abc__logo.png', { originalSize: 0xfffffff0 });
    expect(parse1pux(zip).entries).toHaveLength(10);
  });

  it.each<[string, () => Uint8Array, string]>([
    ['no export.data', () => zipSync({ 'export.attributes': strToU8('{}') }), 'Damaged'],
    ['not a zip', () => strToU8(JSON.stringify(DATA)), 'Damaged'],
    ['an empty file', () => new Uint8Array(0), 'Damaged'],
    ['a zip cut in half', () => pux().slice(0, 200), 'Damaged'],
    ['export.data declared over the limit', () => patch(pux(), 'export.data', { originalSize: MAX_IMPORT_BYTES + 1 }), 'TooLarge'],
    ['export.data compressed far beyond its declared size (a bomb)', () => patch(pux(strToU8('x'.repeat(200_000))), 'export.data', { originalSize: 10 }), 'Damaged'],
    ['export.data compressed with bzip2 (method 12)', () => patch(pux(), 'export.data', { compression: 12 }), 'Unsupported'],
    ['export.data that is not UTF-8', () => pux(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 'Damaged'],
    ['export.data that is not JSON', () => pux('{"accounts": [oops'), 'Damaged'],
    ['export.data that is a Bitwarden export', () => pux('{"encrypted":false,"items":[]}'), 'Damaged'],
  ])('%s → %s', (_, make, code) => {
    expect(codeOf(() => parse1pux(make()))).toBe(code);
  });

  it('a real zip bomb (32 MB of zeros declared as 100 bytes) is refused before it is inflated, in well under a second', () => {
    const bomb = patch(zipSync({ 'export.data': new Uint8Array(32 * 1024 * 1024) }, { level: 9 }), 'export.data', { originalSize: 100 });
    const started = performance.now();
    expect(codeOf(() => parse1pux(bomb))).toBe('Damaged');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a zip64 directory that claims four billion members is refused, not walked', () => {
    // A zip64 end record (count 0xffffffff at +32, directory offset 0 at +48), its locator, and the classic end record.
    const z64 = new Uint8Array(56);
    const v = new DataView(z64.buffer);
    v.setUint32(0, 0x06064b50, true);
    v.setUint32(32, 0xffffffff, true);
    const locator = new Uint8Array(20);
    new DataView(locator.buffer).setUint32(0, 0x07064b50, true);
    const end = new Uint8Array(22);
    const ev = new DataView(end.buffer);
    ev.setUint32(0, 0x06054b50, true);
    ev.setUint16(8, 0xffff, true);
    ev.setUint16(10, 0xffff, true);
    const file = new Uint8Array([...z64, ...locator, ...end]);
    const started = performance.now();
    expect(codeOf(() => parse1pux(file))).toBe('Damaged');
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
