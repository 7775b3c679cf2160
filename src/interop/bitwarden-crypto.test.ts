// Tests the password-protected Bitwarden export: known-answer files made by a separate implementation (Python's
// `cryptography`, PBKDF2 and Argon2id), round trips through the test-only writer, and a table of bad inputs (wrong
// password, bad MAC, truncated, wrong type, bad base64, KDF settings out of bounds) each refused with its own code.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromBase64, randomBytes, toBase64 } from '../crypto';
import { parseBitwardenJson } from './bitwarden';
import { BITWARDEN_KDF_LIMITS, parseEncString } from './bitwarden-crypto';
import { keysFor, macedEncString, protectExport, protectWith, type ProtectKdf } from './bitwarden-protect.test-helper';
import { InteropError, type InteropErrorCode } from './model';

// Made once by a short Python 3 script with `cryptography` 48 (hashlib PBKDF2, its Argon2id, AES-CBC, HMAC): password "correct horse"; made-up data, not a real export.
const KAT_PBKDF2 = '{"encrypted":true,"passwordProtected":true,"salt":"7SeywLiZO/zRz0WiFtjcSA==","kdfType":0,"kdfIterations":5000,"kdfMemory":null,"kdfParallelism":null,"encKeyValidation_DO_NOT_EDIT":"2.VtGDD6Q9nkIA77HsLelFdA==|4DH+rqJmBlO4vYoE1GVKmM4smU1Ulh+ujehhyBC6sj/a5Fma4lj8ti7A7Vp2/wmD|CwL+84qAc0RX8SaNatSgaTSYr9SbtetWISL390pAVzM=","data":"2.KkAhJhbTu3znigh6LzRtMQ==|P4WyHkxcGOz94NE9zWfb/8VOwXD1FVGunhOZqeL6XIdPsCWdF9IjVBoCeTpdUklOTQrRNBam6VQ6Tkp/PCTXAx7h3M6qBar2WzVnFzFTuLv0vqsFw4ecLQ6WbP3tzkbRIKlGzMQchWs3hobs4mPEO62ZR3rzmD8X+7O46PSkTjkOOfPMDyf6hLanwqAiLe8WHncHI0VOif6aV0xE/YQg+XdkCkZqdwhW+2/dfYR/m5twChZ9O0ma/c6vTDEg7CCToQRVdelaNXkIzchv3rIdKSI5oUuivVUF4Kt9tG1MIf+e8cgPredg2NKqjsJVpQvTQHIHQOUITVgxStorBMv+y7UrbcVe0xXgjz1Ttw+yHpBj8V0yUrle1WXqpaWuAr63KFQ/+6qzwrsD9EHn+I554Qs6G5jfxXNpFRmZACVPwL3rkQ+goCFuXe9zF1VH4vXTCIC3rymNvWGFpvmv8yuhSmc4d1RLQjkHXkNWJgYTgbGJBkXelMawJmGV3ShWHHkQsn84tBKg1oJimP98G/mUwyuReUTjxmF0RDA5gDYKDHwm5q+EDOVgjsgK1/rOVtu9nYRv2mL7WbAFolsEiryQe+WUK2C4VetFjsjDcJeYSYkMzVFHYZuuEeVci6sQ5f09tNRZPYvuXl93S7TEkilYxhfXDUj+aUDxawLPjFoQsc11mIg7K9atN2MmE/htBguVpxtrgJ6zSGDfsJFitOlfEu30NNAjkCW8D7Z2fEV+Lbir9T6fQ7Ja+iAQfBsDbO00V4edMN6+cZkmTIiJmOB3jAUg0Ye/bdD8mMEV+0ViYt6HfKIbcV+dStK3+d6T04OkJDtx27Z0SapCQ5/LHNzXfVTPbM4QeVyirzHekDktjrbWVKvV8yvBfJErJ23z2gIpwI7tw5iW4X/TDAjercUiJzMmD88oxLEz/XEzsqvvIVCjFPWZvGQ2QpxUfpfHuGfB5bXZNK2gV6aVIkh85S6hWbJ0eTFDVELYDj1dnV5i1vKkclmiVu1Ernob7xTHAkecp9E0yqyYG2lceTEMGD24lPIfZiYnz3ws4WI1cDgspMU8q77keBS7YFAJgR7n/KVKra7CEMG6KMeArbbJmdmlCf/4MNaMX8uEhzJWIsEKmp/1mX/nQM7A/51cYQaHChCJ+lvPiX5W68oiJx+4XA7Ppg08CB3RbU+7G919PkmPPcE=|7GQHRl5huqaEzpQJO2uDdbCOxulZpJt4aUyDqAcjPws="}';
const KAT_ARGON2ID = '{"encrypted":true,"passwordProtected":true,"salt":"srhNil0o0leLpPOp4FuCqA==","kdfType":1,"kdfIterations":2,"kdfMemory":16,"kdfParallelism":2,"encKeyValidation_DO_NOT_EDIT":"2.z1u623qXj3AKgEtYdXZYSA==|wOKSarZ+tGAPMvMPCfeyGRZLmTdPDvNiIXC3yucQ5bCHoPtCChYEADSg3FC4QL7T|kVKXvXa1bRL4FtJuUgZm54x0lIpeJllkz+ir2chzGwk=","data":"2.lTf/yNJLiV7F7rwvgIX7Ng==|7U6TKI9HeHb6THqKTdINmkzDCV/zt41VU5pJ6t5/UhzeSJhgfu2PEyw/Z+8JvxYoN3oGdif0tUgCfMKmGivTs7ZhKk/4EwUNCRm4YkLuFh67cp+fw90o6oLbGB5hRPOrmCqjrPaC8J6oAUDDVvVhJ0kNPNQ3+1w1haXMt708G6+g5dqYTKlRol7rBLYrxnsX6SHx4LaceiHovyXkpwSWpYikSIrHtO53BSvJgKICitwEVHgoW/y+ZMTFq1Pu9Rog2u66Bi4ov7/ayp9p17Orll/BY06wNMK/Ux7+pLJLZxkYx/gkv/qEsNDQhPLW4UCGrRoAw2OtRx2wUtdnh2pDy2aIaBzNtdCMdo0oNWLQzbMnMKrz2azrb2PGSsMLvf5YSoN0ao/Kjtmxthte4R5zYi54YoJiOkuzX8ifsnX7pgQKnQfD7F9sgXhrvHye+3JnNT0kZGWXEjoNIW2aEnuJm6CfMuch+3EwF2prGMXY45Y8HdHkFQ46XYHLVo/7LvU3GdHqycTN0bREsQCimd6kudPetdVPNItfL8hUSmhO6tHJnaFAwBi9bISk6hCTX1AvePisgTXAUbWA6mV5cveCwPHXKn/bt10WpagG2NDcmZLM9QnTCuj8TtzoNSGdEOMuieRcnFTbNr7YKZpQL6x9Js6INhM2inXqtV9FMaKRLRvtibiDRIpueoiV/GmBIOOLQhGG1uuYEJs12aaqzHV0VM1jCwHCSSve0c9a0pF1sVgaOpN4EVIo1QuIQ5T3sLxzoqtmkQquLbihC9o8Qiu4YioYjeSkRjskh9tmuj+71fgL4toOr4FriNrLDgm4ayuat2ClkUUYsKMqg7Oez0qH8ortj4MvEcz8lI8epH/OG18OwAKWheKS4okC6fsox0UPFSQdmf8bKI2pBxaXGuu654jqdEMF+NSXV0V4kZ+JgpL/Nft1BLRbvS55uy/xS/rMxaZJ3JJnlALs99/j6DrL7ZcaXmu/pg0+JsuEdUMogFVS6usN6n39WOb5csgKSZw9KiyEnfEhfEecX8KEYs0rvWzU9lp65rPNk4iYxUQPMwvHbLoYAJ7D0f8X4oHO0A/z3eG3kMyeBk7BtAXoSadAsVMe+1a3LkJ11YZRWRhwinbkrTaIG/Mu5zoguMghSXa0WjYlGsbFj8lTqhbD8S121lNkLzwBHHu2ga9oOPkUpQU=|8N+rLxMk9aEEQhUit493dKJ6cTv0WIBXJPOrPG5vg6U="}';

const INNER = JSON.stringify({
  encrypted: false,
  folders: [{ id: 'f1', name: 'Ops' }],
  items: [{ id: 'i1', folderId: 'f1', type: 1, name: 'ci-runner', notes: null, login: { username: 'runner', password: 'rnr-secret-7', totp: null, uris: [] }, collectionIds: null }],
});

async function codeOf(run: () => Promise<unknown>): Promise<InteropErrorCode | string> {
  try {
    await run();
    return 'no error';
  } catch (error) {
    return error instanceof InteropError ? error.code : `other: ${String(error)}`;
  }
}

afterEach(() => vi.restoreAllMocks());

describe('known-answer exports (another implementation wrote them)', () => {
  const expected = {
    name: 'Staging deploy bot',
    value: 'p@ss "quoted" \\ back',
    username: 'deploy-bot',
    url: 'https://deploy.example.test',
    notes: 'rotates monthly ✓',
    totp: 'JBSWY3DPEHPK3PXP',
    group: 'Cloud/Staging',
    fields: [
      { name: 'URL 2', value: 'https://backup.example.test', hidden: false },
      { name: 'API_TOKEN', value: 'tok-Ünïcode-42', hidden: true },
    ],
  };

  it.each([
    ['PBKDF2-SHA256', KAT_PBKDF2],
    ['Argon2id', KAT_ARGON2ID],
  ])('%s: the right password opens it to its one entry', async (_, file) => {
    const result = await parseBitwardenJson(file, 'correct horse');
    expect(result).toEqual({ format: 'bitwarden-json', entries: [expected], skipped: [] });
  });

  it.each([
    ['PBKDF2-SHA256', KAT_PBKDF2],
    ['Argon2id', KAT_ARGON2ID],
  ])('%s: any other password is WrongPassword, none is PasswordNeeded', async (_, file) => {
    for (const password of ['correct horse ', 'Correct horse', 'correct', 'x']) expect(await codeOf(() => parseBitwardenJson(file, password))).toBe('WrongPassword');
    expect(await codeOf(() => parseBitwardenJson(file))).toBe('PasswordNeeded');
    expect(await codeOf(() => parseBitwardenJson(file, ''))).toBe('PasswordNeeded');
  });
});

describe('round trips through the test writer', () => {
  it.each<[string, ProtectKdf]>([
    ['PBKDF2', { kdfType: 0, kdfIterations: 1000 }],
    ['Argon2id', { kdfType: 1, kdfIterations: 1, kdfMemory: 1, kdfParallelism: 1 }],
  ])('%s with a non-ASCII password', async (_, kdf) => {
    const file = JSON.stringify(await protectExport(INNER, 'pässwörd 🔑', kdf));
    const result = await parseBitwardenJson(file, 'pässwörd 🔑');
    expect(result.entries.map((e) => [e.name, e.value, e.username, e.group])).toEqual([['ci-runner', 'rnr-secret-7', 'runner', 'Ops']]);
    expect(await codeOf(() => parseBitwardenJson(file, 'passwörd 🔑'))).toBe('WrongPassword');
  });

  it('an organization export inside decrypts to its collections', async () => {
    const org = JSON.stringify({ encrypted: false, collections: [{ id: 'c1', name: 'Team/Infra' }], items: [{ type: 2, name: 'runbook', notes: 'n', secureNote: { type: 0 }, collectionIds: ['c1'] }] });
    const result = await parseBitwardenJson(JSON.stringify(await protectExport(org, 'pw')), 'pw');
    expect(result.entries.map((e) => [e.name, e.value, e.notes, e.group])).toEqual([['runbook', '', 'n', 'Team/Infra']]);
  });

  it('the MAC is checked before anything is decrypted', async () => {
    const file = await protectExport(INNER, 'right');
    const decrypt = vi.spyOn(globalThis.crypto.subtle, 'decrypt');
    expect(await codeOf(() => parseBitwardenJson(JSON.stringify(file), 'wrong'))).toBe('WrongPassword');
    expect(decrypt).not.toHaveBeenCalled();
    const [iv, ct, mac] = (file.data as string).slice(2).split('|');
    const flipped = fromBase64(ct!);
    flipped[0]! ^= 1;
    const altered = { ...file, data: `2.${iv}|${toBase64(flipped)}|${mac}` };
    expect(await codeOf(() => parseBitwardenJson(JSON.stringify(altered), 'right'))).toBe('Damaged');
    expect(decrypt).toHaveBeenCalledTimes(1); // the password check only, never the altered data
  });
});

describe('bad inputs', () => {
  const kdf: ProtectKdf = { kdfType: 0, kdfIterations: 1000 };
  const salt = toBase64(randomBytes(16));
  const keysP = keysFor('pw', salt, kdf);

  async function base(): Promise<Record<string, unknown>> {
    return protectWith(INNER, salt, await keysP, kdf);
  }
  function part(enc: unknown, i: number): string {
    return (enc as string).slice(2).split('|')[i]!;
  }

  type Case = [string, (f: Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>, InteropErrorCode];
  const cases: Case[] = [
    ['validation MAC altered (indistinguishable from a wrong password)', (f) => ({ ...f, encKeyValidation_DO_NOT_EDIT: `2.${part(f.encKeyValidation_DO_NOT_EDIT, 0)}|${part(f.encKeyValidation_DO_NOT_EDIT, 1)}|${toBase64(randomBytes(32))}` }), 'WrongPassword'],
    ['data MAC altered', (f) => ({ ...f, data: `2.${part(f.data, 0)}|${part(f.data, 1)}|${toBase64(randomBytes(32))}` }), 'Damaged'],
    ['data IV altered', (f) => ({ ...f, data: `2.${toBase64(randomBytes(16))}|${part(f.data, 1)}|${part(f.data, 2)}` }), 'Damaged'],
    ['data truncated by a block', (f) => ({ ...f, data: `2.${part(f.data, 0)}|${toBase64(fromBase64(part(f.data, 1)).slice(16))}|${part(f.data, 2)}` }), 'Damaged'],
    ['data truncated mid-block', (f) => ({ ...f, data: `2.${part(f.data, 0)}|${toBase64(fromBase64(part(f.data, 1)).slice(0, 20))}|${part(f.data, 2)}` }), 'Damaged'],
    ['data cut off after the IV', (f) => ({ ...f, data: `2.${part(f.data, 0)}` }), 'Damaged'],
    ['data empty', (f) => ({ ...f, data: '' }), 'Damaged'],
    ['data missing', (f) => ({ ...f, data: undefined }), 'Damaged'],
    ['data not text', (f) => ({ ...f, data: 42 }), 'Damaged'],
    ['data of type 0 (no MAC)', (f) => ({ ...f, data: `0.${part(f.data, 0)}|${part(f.data, 1)}` }), 'Unsupported'],
    ['data of type 1', (f) => ({ ...f, data: `1.${part(f.data, 0)}|${part(f.data, 1)}|${part(f.data, 2)}` }), 'Unsupported'],
    ['validation of type 4 (RSA)', (f) => ({ ...f, encKeyValidation_DO_NOT_EDIT: `4.${toBase64(randomBytes(256))}` }), 'Unsupported'],
    ['no type at all', (f) => ({ ...f, data: (f.data as string).slice(2) }), 'Damaged'],
    ['a type that is not a number', (f) => ({ ...f, data: `x.${(f.data as string).slice(2)}` }), 'Damaged'],
    ['bad base64 in the ciphertext', (f) => ({ ...f, data: `2.${part(f.data, 0)}|${part(f.data, 1).replace(/^.../, '!!!')}|${part(f.data, 2)}` }), 'Damaged'],
    ['base64 without its padding', (f) => ({ ...f, data: `2.${part(f.data, 0).replace(/=+$/, '')}|${part(f.data, 1)}|${part(f.data, 2)}` }), 'Damaged'],
    ['a 12-byte IV', (f) => ({ ...f, data: `2.${toBase64(randomBytes(12))}|${part(f.data, 1)}|${part(f.data, 2)}` }), 'Damaged'],
    ['a 16-byte MAC', (f) => ({ ...f, data: `2.${part(f.data, 0)}|${part(f.data, 1)}|${toBase64(randomBytes(16))}` }), 'Damaged'],
    ['four parts', (f) => ({ ...f, data: `${f.data as string}|${part(f.data, 2)}` }), 'Damaged'],
    ['salt missing', (f) => ({ ...f, salt: undefined }), 'Damaged'],
    ['salt changed (another key)', (f) => ({ ...f, salt: toBase64(randomBytes(16)) }), 'WrongPassword'],
    ['validation missing', (f) => ({ ...f, encKeyValidation_DO_NOT_EDIT: null }), 'Damaged'],
    ['unknown KDF type', (f) => ({ ...f, kdfType: 2 }), 'Unsupported'],
    ['KDF type missing', (f) => ({ ...f, kdfType: undefined }), 'Unsupported'],
    ['PBKDF2 iterations 0', (f) => ({ ...f, kdfIterations: 0 }), 'Unsupported'],
    ['PBKDF2 iterations above the bound', (f) => ({ ...f, kdfIterations: BITWARDEN_KDF_LIMITS.pbkdf2MaxIterations + 1 }), 'Unsupported'],
    ['PBKDF2 iterations 1e12', (f) => ({ ...f, kdfIterations: 1e12 }), 'Unsupported'],
    ['PBKDF2 iterations a fraction', (f) => ({ ...f, kdfIterations: 1000.5 }), 'Damaged'],
    ['PBKDF2 iterations as text', (f) => ({ ...f, kdfIterations: '1000' }), 'Damaged'],
    ['Argon2id memory above 1 GiB', (f) => ({ ...f, kdfType: 1, kdfIterations: 3, kdfMemory: 1025, kdfParallelism: 4 }), 'Unsupported'],
    ['Argon2id memory 0', (f) => ({ ...f, kdfType: 1, kdfIterations: 3, kdfMemory: 0, kdfParallelism: 4 }), 'Unsupported'],
    ['Argon2id passes above the bound', (f) => ({ ...f, kdfType: 1, kdfIterations: 101, kdfMemory: 64, kdfParallelism: 4 }), 'Unsupported'],
    ['Argon2id parallelism 17', (f) => ({ ...f, kdfType: 1, kdfIterations: 3, kdfMemory: 64, kdfParallelism: 17 }), 'Unsupported'],
    ['Argon2id memory missing', (f) => ({ ...f, kdfType: 1, kdfIterations: 3, kdfMemory: null, kdfParallelism: 4 }), 'Damaged'],
    [
      'data that decrypts to something not JSON',
      async (f) => ({ ...f, data: await protectWith('not json {', salt, await keysP, kdf).then((g) => g.data) }),
      'Damaged',
    ],
    [
      'data that decrypts to another encrypted export',
      async (f) => ({ ...f, data: await protectWith(JSON.stringify(f), salt, await keysP, kdf).then((g) => g.data) }),
      'Damaged',
    ],
    [
      'data with a right MAC over bad padding',
      async (f) => {
        const iv = randomBytes(16);
        return { ...f, data: await macedEncString(await keysP, iv, randomBytes(32)) };
      },
      'Damaged',
    ],
    [
      'data with a right MAC over bytes that are not UTF-8',
      async (f) => {
        const keys = await keysP;
        const k = await globalThis.crypto.subtle.importKey('raw', keys.enc, 'AES-CBC', false, ['encrypt']);
        const iv = randomBytes(16);
        const ct = new Uint8Array(await globalThis.crypto.subtle.encrypt({ name: 'AES-CBC', iv }, k, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])));
        return { ...f, data: await macedEncString(keys, iv, ct) };
      },
      'Damaged',
    ],
  ];

  it('the unaltered file opens (so every case below fails for its own reason)', async () => {
    const result = await parseBitwardenJson(JSON.stringify(await base()), 'pw');
    expect(result.entries).toHaveLength(1);
  });

  it.each(cases)('%s → %s', async (_, alter, code) => {
    const file = JSON.stringify(await alter(await base()));
    expect(await codeOf(() => parseBitwardenJson(file, 'pw'))).toBe(code);
  });

  it('error messages never hold a value from the file', async () => {
    const f = await base();
    const probes: Record<string, unknown>[] = [
      { ...f, kdfIterations: 987654321 },
      { ...f, data: `7.${part(f.data, 0)}` },
      { ...f, data: `2.SECRETSECRET|${part(f.data, 1)}|${part(f.data, 2)}` },
    ];
    for (const probe of probes) {
      const error = await parseBitwardenJson(JSON.stringify(probe), 'pw').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InteropError);
      const message = (error as InteropError).message;
      for (const piece of [salt, part(f.data, 0), part(f.data, 1), 'SECRETSECRET', '987654321', '7']) expect(message).not.toContain(piece);
    }
  });

  it('parseEncString takes exactly a type-2 value apart', () => {
    const iv = randomBytes(16);
    const ct = randomBytes(48);
    const mac = randomBytes(32);
    expect(parseEncString(`2.${toBase64(iv)}|${toBase64(ct)}|${toBase64(mac)}`)).toEqual({ iv, ct, mac });
  });
});

describe('account-restricted exports', () => {
  it('is Unsupported and says to export with a file password', async () => {
    const file = JSON.stringify({ encrypted: true, encKeyValidation_DO_NOT_EDIT: '2.AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', folders: [{ id: 'a', name: '2.x|y|z' }], items: [] });
    const error = await parseBitwardenJson(file, 'anything').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteropError);
    expect((error as InteropError).code).toBe('Unsupported');
    expect((error as InteropError).message).toMatch(/Password protected/);
    expect((error as InteropError).message).toMatch(/file password/);
  });
});
