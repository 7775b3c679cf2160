// Tests the plain Bitwarden JSON importer on fixtures written here after the shapes of real exports: an individual
// export (folders, nested "Ops/Prod", every item type, custom field kinds, a stale per-item key), an organization
// export (collections), detection against other JSON, and the refusals.
import { describe, expect, it } from 'vitest';
import { isBitwardenJson, parseBitwardenJson } from './bitwarden';
import { InteropError } from './model';

const INDIVIDUAL = {
  encrypted: false,
  folders: [
    { id: 'fa', name: 'Ops' },
    { id: 'fb', name: 'Ops/Prod' },
    { id: 'fc', name: 'Personal' },
  ],
  items: [
    {
      id: 'i1',
      organizationId: null,
      folderId: 'fb',
      type: 1,
      reprompt: 0,
      name: 'Grafana admin',
      notes: 'line one\nline two',
      favorite: true,
      fields: [
        { name: 'region', value: 'eu-west-3', type: 0 },
        { name: 'API_KEY', value: 'gk_live_51 "x" \\y', type: 1 },
        { name: 'sso', value: 'true', type: 2 },
        { name: 'legacy', value: 'false', type: 2 },
        { name: 'user link', value: null, type: 3, linkedId: 100 },
        { name: null, value: 'nameless', type: 0 },
      ],
      login: {
        uris: [
          { match: null, uri: 'https://grafana.example.test' },
          { match: 3, uri: 'https://alt.example.test' },
          { match: null, uri: 'https://third.example.test' },
        ],
        username: 'ops@example.test',
        password: "p'w\"`\\,|<>",
        totp: 'otpauth://totp/Grafana:ops?secret=ABCDEFGH&issuer=Grafana',
        fido2Credentials: [],
      },
      passwordHistory: [{ lastUsedDate: '2025-01-01T00:00:00.000Z', password: 'old-one' }],
      collectionIds: [null],
    },
    { id: 'i2', organizationId: null, folderId: 'fc', type: 2, name: 'Recovery codes', notes: 'aaaa-bbbb\ncccc-dddd', favorite: false, secureNote: { type: 0 }, collectionIds: null },
    {
      id: 'i3',
      folderId: null,
      type: 3,
      name: 'Travel card',
      notes: null,
      card: { cardholderName: 'R. Example', brand: 'Mastercard', number: '5555444433331111', expMonth: '7', expYear: '2031', code: '321' },
      collectionIds: null,
    },
    {
      id: 'i4',
      folderId: 'fc',
      type: 4,
      name: 'Me',
      notes: null,
      identity: { title: 'Dr', firstName: 'Robin', middleName: null, lastName: ' Example ', address1: ' 9 Test Lane ', city: 'Testville', email: 'robin@example.test', username: 'robin', ssn: null },
    },
    { id: 'i5', folderId: null, type: 5, name: 'deploy key', notes: '', sshKey: { privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----', publicKey: 'ssh-ed25519 AAAA test', keyFingerprint: 'SHA256:zzz' } },
    { id: 'i6', folderId: null, type: 1, name: 'empty login', notes: null, login: { username: null, password: null, totp: null }, collectionIds: null },
    { id: 'i7', folderId: 'fa', type: 1, name: '', notes: null, login: { uris: [{ uri: 'https://untitled.example.test/path' }], username: 'u', password: 'p' } },
    { id: 'i8', folderId: 'gone', type: 1, name: 'stale key', key: '2.AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', login: { uris: [{ uri: 'example.test' }], username: 'k', password: 'kept' } },
    { id: 'i9', type: 9, name: 'future thing', notes: 'n' },
    'not an item',
    { id: 'i10', folderId: 'toString', type: 2, name: 'proto folder', collectionIds: ['__proto__', 'constructor'] },
  ],
};

const ORG = {
  encrypted: false,
  collections: [
    { id: 'c1', organizationId: 'o1', name: 'Shared/DB', externalId: null },
    { id: 'c2', organizationId: 'o1', name: 'Other', externalId: null },
  ],
  items: [
    { id: 'j1', organizationId: 'o1', folderId: null, type: 1, name: 'db', notes: null, login: { uris: [], username: 'root', password: 'r00t', totp: null }, collectionIds: ['c1', 'c2'] },
    { id: 'j2', organizationId: 'o1', folderId: null, type: 2, name: 'no collection', notes: 'x', secureNote: { type: 0 }, collectionIds: [] },
    { id: 'j3', organizationId: 'o1', folderId: null, type: 1, name: 'unknown collection first', login: { password: 'q' }, collectionIds: ['zz', 'c2'] },
  ],
};

describe('parseBitwardenJson: individual export', () => {
  it('reads every item as one entry and skips only what it cannot read', async () => {
    const r = await parseBitwardenJson(JSON.stringify(INDIVIDUAL));
    expect(r.format).toBe('bitwarden-json');
    expect(r.entries.map((e) => e.name)).toEqual(['Grafana admin', 'Recovery codes', 'Travel card', 'Me', 'deploy key', 'empty login', 'untitled.example.test', 'stale key', 'proto folder']);
    expect(r.skipped).toEqual([
      { name: 'future thing', reason: expect.stringMatching(/type 9/) },
      { name: 'Item 10', reason: expect.stringMatching(/not a Bitwarden item/) },
    ]);
  });

  it('maps a login: password, username, first URL, TOTP, folder path, other URLs and custom fields', async () => {
    const [login] = (await parseBitwardenJson(JSON.stringify(INDIVIDUAL))).entries;
    expect(login).toEqual({
      name: 'Grafana admin',
      value: "p'w\"`\\,|<>",
      username: 'ops@example.test',
      url: 'https://grafana.example.test',
      notes: 'line one\nline two',
      totp: 'otpauth://totp/Grafana:ops?secret=ABCDEFGH&issuer=Grafana',
      group: 'Ops/Prod',
      fields: [
        { name: 'URL 2', value: 'https://alt.example.test', hidden: false },
        { name: 'URL 3', value: 'https://third.example.test', hidden: false },
        { name: 'region', value: 'eu-west-3', hidden: false },
        { name: 'API_KEY', value: 'gk_live_51 "x" \\y', hidden: true },
        { name: 'sso', value: 'true', hidden: false },
        { name: 'legacy', value: 'false', hidden: false },
        { name: 'Field 6', value: 'nameless', hidden: false },
      ],
    });
  });

  it('a note has no value; a card has its number; an identity nothing; an SSH key its private key', async () => {
    const e = (await parseBitwardenJson(JSON.stringify(INDIVIDUAL))).entries;
    expect(e[1]).toMatchObject({ value: '', notes: 'aaaa-bbbb\ncccc-dddd', group: 'Personal', fields: [] });
    expect(e[2]).toMatchObject({ value: '5555444433331111', group: '', notes: '' });
    expect(e[2]!.fields).toEqual([
      { name: 'Cardholder name', value: 'R. Example', hidden: false },
      { name: 'Brand', value: 'Mastercard', hidden: false },
      { name: 'Expiry month', value: '7', hidden: false },
      { name: 'Expiry year', value: '2031', hidden: false },
      { name: 'Security code', value: '321', hidden: false },
    ]);
    expect(e[3]).toMatchObject({ value: '', username: 'robin', group: 'Personal' });
    expect(e[3]!.fields).toEqual([
      { name: 'Title', value: 'Dr', hidden: false },
      { name: 'First name', value: 'Robin', hidden: false },
      { name: 'Last name', value: ' Example ', hidden: false },
      { name: 'Email', value: 'robin@example.test', hidden: false },
      { name: 'Address 1', value: ' 9 Test Lane ', hidden: false },
      { name: 'City', value: 'Testville', hidden: false },
    ]);
    expect(e[4]).toMatchObject({ value: expect.stringMatching(/^-----BEGIN OPENSSH/), fields: [{ name: 'Public key', value: 'ssh-ed25519 AAAA test', hidden: false }, { name: 'Fingerprint', value: 'SHA256:zzz', hidden: false }] });
  });

  it("null username/password are '', an untitled item is named from its URL, a stale per-item key is ignored", async () => {
    const e = (await parseBitwardenJson(JSON.stringify(INDIVIDUAL))).entries;
    expect(e[5]).toEqual({ name: 'empty login', value: '', username: '', url: '', notes: '', totp: '', group: '', fields: [] });
    expect(e[6]).toMatchObject({ name: 'untitled.example.test', value: 'p', group: 'Ops' });
    expect(e[7]).toMatchObject({ name: 'stale key', value: 'kept', url: 'example.test', group: '' });
  });

  it('folder and collection ids that name Object.prototype members are no group', async () => {
    const e = (await parseBitwardenJson(JSON.stringify(INDIVIDUAL))).entries;
    expect(e[8]).toMatchObject({ name: 'proto folder', group: '' });
  });

  it('reads a one-line export with a byte-order mark, and the same without "encrypted"', async () => {
    const { encrypted: _, ...bare } = INDIVIDUAL;
    for (const text of ['\ufeff' + JSON.stringify(INDIVIDUAL), JSON.stringify(bare, null, 2)]) {
      expect((await parseBitwardenJson(text)).entries).toHaveLength(9);
    }
  });
});

describe('parseBitwardenJson: organization export', () => {
  it('the group is the first known collection of the item', async () => {
    const r = await parseBitwardenJson(JSON.stringify(ORG));
    expect(r.entries.map((e) => [e.name, e.value, e.username, e.group])).toEqual([
      ['db', 'r00t', 'root', 'Shared/DB'],
      ['no collection', '', '', ''],
      ['unknown collection first', 'q', '', 'Other'],
    ]);
    expect(r.skipped).toEqual([]);
  });

  it('an item with a folder in an export with both uses the folder', async () => {
    const both = { ...ORG, folders: [{ id: 'f', name: 'Mine' }], items: [{ ...ORG.items[0], folderId: 'f' }] };
    expect((await parseBitwardenJson(JSON.stringify(both))).entries[0]!.group).toBe('Mine');
  });

  it('an empty export is no entries', async () => {
    expect(await parseBitwardenJson('{"encrypted":false,"folders":[],"items":[]}')).toEqual({ format: 'bitwarden-json', entries: [], skipped: [] });
  });
});

describe('refusals', () => {
  it.each([
    ['not JSON', 'hello'],
    ['a JSON array', '[{"items":[]}]'],
    ['JSON null', 'null'],
    ['items not a list', '{"encrypted":false,"items":{}}'],
    ['no items', '{"encrypted":false,"folders":[]}'],
    ['truncated', JSON.stringify(INDIVIDUAL).slice(0, 300)],
  ])('%s is Damaged', async (_, text) => {
    const error = await parseBitwardenJson(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteropError);
    expect((error as InteropError).code).toBe('Damaged');
  });
});

describe('isBitwardenJson', () => {
  it.each([
    ['individual', JSON.stringify(INDIVIDUAL)],
    ['organization', JSON.stringify(ORG)],
    ['password protected', '{"encrypted":true,"passwordProtected":true,"salt":"s","kdfType":0,"kdfIterations":1,"encKeyValidation_DO_NOT_EDIT":"2.a|b|c","data":"2.a|b|c"}'],
    ['account restricted', '{"encrypted":true,"encKeyValidation_DO_NOT_EDIT":"2.a|b|c","folders":[],"items":[]}'],
    ['items only', '{"items":[{"type":1,"name":"x"}]}'],
    ['with a byte-order mark and spaces', '\ufeff  {"folders":[],"items":[]}'],
  ])('recognises %s', (_, text) => expect(isBitwardenJson(text)).toBe(true));

  it.each([
    ['a 1Password export.data', '{"accounts":[{"attrs":{},"vaults":[{"attrs":{"name":"v"},"items":[]}]}]}'],
    ['other JSON with items', '{"items":[1,2,3]}'],
    ['JSON with items not a list', '{"encrypted":false,"items":5}'],
    ['a JSON array', '[{"encrypted":false,"items":[]}]'],
    ['KeePass XML', '<?xml version="1.0"?><KeePassFile></KeePassFile>'],
    ['a Bitwarden CSV', 'folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp\n'],
    ['broken JSON', '{"encrypted":false,"items":['],
    ['empty', ''],
  ])('does not claim %s', (_, text) => expect(isBitwardenJson(text)).toBe(false));
});
