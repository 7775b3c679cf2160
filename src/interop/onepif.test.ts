// Tests the legacy 1Password .1pif reader on a file written here after the shape of real ones: a byte-order mark,
// records between separator lines, folder records (nested, in any order, one in a loop) as groups and not entries,
// web forms, passwords, notes, cards with sections, a tombstone, a trashed record and a broken record.
import { describe, expect, it } from 'vitest';
import { is1pif, parse1pif } from './onepif';
import { is1pif as reexported } from './onepassword';

const SEP = '***5642bee8-a5ff-11dc-8314-0800200c9a66***';

const RECORDS: unknown[] = [
  { typeName: 'webforms.WebForm', uuid: 'W1', title: 'mail', folderUuid: 'F2', location: 'https://mail.example.test', openContents: { tags: ['personal'] }, secureContents: { URLs: [{ url: 'https://mail.example.test' }, { label: 'alt', url: 'https://webmail.example.test' }], fields: [{ type: 'T', id: 'username', name: 'username', value: 'kim', designation: 'username' }, { type: 'P', id: 'password', name: 'password', value: 'k1m-Pass"\\`', designation: 'password' }, { type: 'T', id: 'pin', name: 'pin', value: '1357' }, { type: 'C', id: 'stay', name: 'stay', value: '✓' }, { type: 'I', id: 'go', name: 'go', value: '' }], notesPlain: 'multi\nline' } },
  { typeName: 'system.folder.Regular', uuid: 'F2', title: 'Mail', folderUuid: 'F1', secureContents: {} },
  { typeName: 'passwords.Password', uuid: 'P1', title: 'wifi at home', folderUuid: 'F1', secureContents: { password: 'w1fi-pass', notesPlain: '' } },
  { typeName: 'system.folder.Regular', uuid: 'F1', title: 'Home', secureContents: {} },
  { typeName: 'securenotes.SecureNote', uuid: 'N1', title: 'alarm code', folderUuid: 'NOPE', secureContents: { notesPlain: '4711' } },
  {
    typeName: 'wallet.financial.CreditCard',
    uuid: 'C1',
    title: 'Debit',
    secureContents: { sections: [{ name: '', title: '', fields: [{ k: 'string', n: 'cardholder', t: 'cardholder name', v: 'K. Test' }, { k: 'string', n: 'ccnum', t: 'number', v: '6011000000000004' }, { k: 'concealed', n: 'cvv', t: 'verification number', v: '606' }, { k: 'monthYear', n: 'expiry', t: 'expiry date', v: 202912 }] }] },
  },
  { typeName: 'wallet.computer.UnixServer', uuid: 'S1', title: 'db host', trashed: true, secureContents: { sections: [{ title: 'Admin', fields: [{ k: 'string', n: 'username', t: 'username', v: 'root' }, { k: 'concealed', n: 'password', t: 'password', v: 'r00t!' }, { k: 'concealed', n: 'TOTP_x1', t: 'one-time password', v: 'otpauth://totp/db?secret=GEZDGNBV' }, { k: 'address', n: 'addr', t: 'address', v: { street: '2 Side St', city: 'Paris', country: 'fr' } }, { k: 'date', n: 'since', t: 'since', v: 0 }] }] } },
  { typeName: 'system.Tombstone', uuid: 'T1', title: 'deleted long ago', secureContents: {} },
  { typeName: 'system.folder.Regular', uuid: 'L1', title: 'Loop A', folderUuid: 'L2', secureContents: {} },
  { typeName: 'system.folder.Regular', uuid: 'L2', title: 'Loop B', folderUuid: 'L1', secureContents: {} },
  { typeName: 'webforms.WebForm', uuid: 'W2', title: '', folderUuid: 'L1', location: 'https://untitled.example.test/x', secureContents: {} },
  { typeName: 'webforms.WebForm', uuid: 'W3', title: 'empty entry', folderUuid: 'F1', secureContents: {} },
];

function file(records: unknown[], eol = '\n', bom = true): string {
  return (bom ? '\ufeff' : '') + records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join(`${eol}${SEP}${eol}`) + eol;
}

describe('parse1pif', () => {
  const result = parse1pif(file(RECORDS));

  it('every record but folders and tombstones is an entry, trashed ones too', () => {
    expect(result.format).toBe('1password-1pif');
    expect(result.entries.map((e) => [e.name, e.group])).toEqual([
      ['mail', 'Home/Mail'],
      ['wifi at home', 'Home'],
      ['alarm code', ''],
      ['Debit', ''],
      ['db host', ''],
      ['untitled.example.test', 'Loop B/Loop A'],
      ['empty entry', 'Home'],
    ]);
    expect(result.skipped).toEqual([]);
  });

  it('a web form: designated username and password, the location as URL, other form fields, tags', () => {
    expect(result.entries[0]).toEqual({
      name: 'mail',
      value: 'k1m-Pass"\\`',
      username: 'kim',
      url: 'https://mail.example.test',
      notes: 'multi\nline',
      totp: '',
      group: 'Home/Mail',
      fields: [
        { name: 'URL 2', value: 'https://webmail.example.test', hidden: false },
        { name: 'pin', value: '1357', hidden: false },
        { name: 'stay', value: 'true', hidden: false },
      ],
      tags: ['personal'],
    });
  });

  it('a password record, a note, a card and a server with sections', () => {
    const [, pw, note, card, server] = result.entries;
    expect(pw).toMatchObject({ value: 'w1fi-pass', notes: '' });
    expect(note).toMatchObject({ value: '', notes: '4711' });
    expect(card).toMatchObject({
      value: '6011000000000004',
      fields: [
        { name: 'cardholder name', value: 'K. Test', hidden: false },
        { name: 'verification number', value: '606', hidden: true },
        { name: 'expiry date', value: '2029-12', hidden: false },
      ],
    });
    expect(server).toMatchObject({
      value: 'r00t!',
      username: 'root',
      totp: 'otpauth://totp/db?secret=GEZDGNBV',
      fields: [
        { name: 'address', value: '2 Side St, Paris, fr', hidden: false },
        { name: 'since', value: '1970-01-01', hidden: false },
      ],
    });
  });

  it('a form without designations: the first filled password field is the value, a field named like a username the username', () => {
    const form = { typeName: 'webforms.WebForm', uuid: 'O1', title: 'old form', secureContents: { fields: [{ type: 'T', name: 'search', value: 'q' }, { type: 'E', name: 'login_email', value: 'kim@example.test' }, { type: 'P', name: 'pass', value: '' }, { type: 'P', name: 'pass', value: 'pw-1' }, { type: 'P', name: 'pass2', value: 'pw-2' }, { type: 'B', name: 'submit', value: 'Sign in' }, { type: 'C', name: 'remember', value: '' }] } };
    expect(parse1pif(file([form])).entries[0]).toMatchObject({
      value: 'pw-1',
      username: 'kim@example.test',
      fields: [
        { name: 'search', value: 'q', hidden: false },
        { name: 'pass2', value: 'pw-2', hidden: true },
        { name: 'remember', value: 'false', hidden: false },
      ],
    });
  });

  it('reads CRLF files and files without a byte-order mark alike', () => {
    expect(parse1pif(file(RECORDS, '\r\n', false))).toEqual(result);
  });

  it('a record that is not JSON is skipped with a reason; the rest is read', () => {
    const r = parse1pif(file([RECORDS[0], '{"typeName": broken', RECORDS[1], RECORDS[3]]));
    expect(r.entries.map((e) => [e.name, e.group])).toEqual([['mail', 'Home/Mail']]);
    expect(r.skipped).toEqual([{ name: 'Record 2', reason: expect.stringMatching(/not valid JSON/) }]);
  });

  it.each([
    ['text', 'hello'],
    ['only separators', `${SEP}\n${SEP}\n`],
    ['only broken records', `{oops\n${SEP}\n[1,2`],
    ['empty', ''],
  ])('%s is Damaged', (_, text) => {
    expect(() => parse1pif(text)).toThrow(expect.objectContaining({ code: 'Damaged' }));
  });

  it('a file of folders only has no entries', () => {
    expect(parse1pif(file([RECORDS[1], RECORDS[3]]))).toEqual({ format: '1password-1pif', entries: [], skipped: [] });
  });
});

describe('is1pif', () => {
  it('recognises a .1pif file, one of a single record, and is re-exported by onepassword', () => {
    expect(is1pif(file(RECORDS))).toBe(true);
    expect(is1pif(JSON.stringify(RECORDS[0]))).toBe(true);
    expect(reexported).toBe(is1pif);
  });
  it.each([
    ['a Bitwarden export', '{"encrypted":false,"folders":[],"items":[]}'],
    ['a 1pux export.data', '{"accounts":[{"vaults":[]}]}'],
    ['a CSV', 'title,username\n'],
    ['a separator after text', `hello\n${SEP}\n{}`],
    ['JSON without typeName', `{"title":"x"}\n${SEP}\n{"title":"y"}`],
  ])('does not claim %s', (_, text) => expect(is1pif(text)).toBe(false));
});
