import { describe, expect, it } from 'vitest';
import { toBase64, toHex } from './bytes';
import {
  checkKeyAlgorithm,
  describeAlgorithm,
  ed25519Supported,
  exportPrivatePem,
  exportPublicPem,
  generateTypedKey,
  importKeyMaterial,
  TypedKeyError,
  type KeyAlgorithm,
} from './typed-keys';

const PAIRS: KeyAlgorithm[] = [
  { kind: 'ecdsa-p256' },
  { kind: 'ed25519' },
  { kind: 'rsa-oaep', modulusLength: 2048 },
  { kind: 'rsa-pss', modulusLength: 2048 },
];
const SYMMETRIC: KeyAlgorithm[] = [
  { kind: 'aes-gcm', length: 128 },
  { kind: 'aes-gcm', length: 256 },
  { kind: 'hmac', hash: 'SHA-256' },
  { kind: 'hmac', hash: 'SHA-512' },
];

async function reason(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TypedKeyError);
  return (e as TypedKeyError).reason;
}

describe('generateTypedKey', () => {
  it.each(SYMMETRIC)('makes a symmetric $kind key of the right size', async (alg) => {
    const m = await generateTypedKey(alg);
    expect(m.privateKey).toBeUndefined();
    const bits = alg.kind === 'aes-gcm' ? alg.length : alg.kind === 'hmac' && alg.hash === 'SHA-512' ? 1024 : 512;
    expect(Buffer.from(m.secret!.k!, 'base64url').length * 8).toBe(bits);
  });

  it.each(PAIRS)('makes a $kind pair whose halves work together', async (alg) => {
    const m = await generateTypedKey(alg);
    expect(m.privateKey?.d).toBeDefined();
    expect(m.publicKey?.d).toBeUndefined();
    const pem = await exportPublicPem(m, alg);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END PUBLIC KEY-----\n$/);
    const priv = await exportPrivatePem(m, alg);
    expect(priv).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    // Round trip through PEM: importing the private PEM gives back the same public key.
    const again = await importKeyMaterial(priv, alg);
    expect(await exportPublicPem(again, alg)).toBe(pem);
    const pubOnly = await importKeyMaterial(pem, alg);
    expect(pubOnly.privateKey).toBeUndefined();
    expect(await exportPublicPem(pubOnly, alg)).toBe(pem);
  });

  it('makes RSA keys of 3072 and 4096 bits', async () => {
    for (const modulusLength of [3072, 4096] as const) {
      const m = await generateTypedKey({ kind: 'rsa-pss', modulusLength });
      expect(Buffer.from(m.publicKey!.n!, 'base64url').length * 8).toBe(modulusLength);
    }
  });

  it('two generated keys differ', async () => {
    const a = await generateTypedKey({ kind: 'aes-gcm', length: 256 });
    const b = await generateTypedKey({ kind: 'aes-gcm', length: 256 });
    expect(a.secret!.k).not.toBe(b.secret!.k);
  });

  it('knows that Node 20 supports Ed25519', async () => {
    expect(await ed25519Supported()).toBe(true);
  });
});

describe('importKeyMaterial', () => {
  it('imports symmetric keys from hex, base64, base64url and JWK', async () => {
    const raw = new Uint8Array(32).map((_, i) => i);
    const alg: KeyAlgorithm = { kind: 'aes-gcm', length: 256 };
    for (const text of [toHex(raw), toBase64(raw), Buffer.from(raw).toString('base64url'), JSON.stringify({ kty: 'oct', k: Buffer.from(raw).toString('base64url') })]) {
      const m = await importKeyMaterial(`  ${text}\n`, alg);
      expect(Buffer.from(m.secret!.k!, 'base64url')).toEqual(Buffer.from(raw));
    }
  });

  it('imports a public JWK as a public-only key', async () => {
    const g = await generateTypedKey({ kind: 'ecdsa-p256' });
    const m = await importKeyMaterial(JSON.stringify(g.publicKey), { kind: 'ecdsa-p256' });
    expect(m).toEqual({ publicKey: expect.objectContaining({ kty: 'EC', crv: 'P-256', x: g.publicKey!.x }) });
  });

  it('imports a private JWK and derives its public half', async () => {
    const g = await generateTypedKey({ kind: 'ed25519' });
    const m = await importKeyMaterial(JSON.stringify(g.privateKey), { kind: 'ed25519' });
    expect(m.publicKey?.x).toBe(g.publicKey?.x);
    expect(m.publicKey?.d).toBeUndefined();
  });

  it.each<[string, string, KeyAlgorithm, string]>([
    ['empty text', '   ', { kind: 'aes-gcm', length: 256 }, 'Malformed'],
    ['not any encoding', 'hello world!', { kind: 'aes-gcm', length: 256 }, 'Malformed'],
    ['broken JSON', '{"kty": ', { kind: 'ecdsa-p256' }, 'Malformed'],
    ['JSON that is not a JWK', '{"a":1}', { kind: 'ecdsa-p256' }, 'Malformed'],
    ['PEM with a damaged footer', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEX-----', { kind: 'ecdsa-p256' }, 'Malformed'],
    ['PEM with a bad body', '-----BEGIN PUBLIC KEY-----\nA*AA\n-----END PUBLIC KEY-----', { kind: 'ecdsa-p256' }, 'Malformed'],
    ['PEM of garbage bytes', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', { kind: 'ecdsa-p256' }, 'WrongType'],
    ['a certificate', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', { kind: 'ecdsa-p256' }, 'WrongType'],
    ['an AES key of 20 bytes', '00'.repeat(20), { kind: 'aes-gcm', length: 256 }, 'WrongType'],
    ['an AES-128 key for AES-256', '00'.repeat(16), { kind: 'aes-gcm', length: 256 }, 'WrongType'],
    ['an 8-byte HMAC key', '00'.repeat(8), { kind: 'hmac', hash: 'SHA-256' }, 'WrongType'],
    ['hex for a key pair', '00'.repeat(32), { kind: 'ecdsa-p256' }, 'WrongType'],
    ['PEM for a symmetric key', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', { kind: 'hmac', hash: 'SHA-256' }, 'WrongType'],
  ])('refuses %s', async (_label, text, alg, expected) => {
    expect(await reason(importKeyMaterial(text, alg))).toBe(expected);
  });

  it('refuses a key of another type: an ECDSA key where RSA was asked, an RSA-2048 key for RSA-4096', async () => {
    const ec = await generateTypedKey({ kind: 'ecdsa-p256' });
    expect(await reason(importKeyMaterial(await exportPrivatePem(ec, { kind: 'ecdsa-p256' }), { kind: 'rsa-pss', modulusLength: 2048 }))).toBe('WrongType');
    expect(await reason(importKeyMaterial(JSON.stringify(ec.privateKey), { kind: 'ed25519' }))).toBe('WrongType');
    const rsa = await generateTypedKey({ kind: 'rsa-oaep', modulusLength: 2048 });
    expect(await reason(importKeyMaterial(await exportPublicPem(rsa, { kind: 'rsa-oaep', modulusLength: 2048 }), { kind: 'rsa-oaep', modulusLength: 4096 }))).toBe('WrongType');
  });

  it('refuses a private JWK whose public part does not match (tampered d)', async () => {
    const g = await generateTypedKey({ kind: 'ecdsa-p256' });
    const bad = { ...g.privateKey, x: g.publicKey!.y };
    expect(await reason(importKeyMaterial(JSON.stringify(bad), { kind: 'ecdsa-p256' }))).toBe('WrongType');
  });
});

describe('checkKeyAlgorithm', () => {
  it.each([null, {}, { kind: 'aes-gcm', length: 192 }, { kind: 'hmac', hash: 'SHA-1' }, { kind: 'rsa-pss', modulusLength: 1024 }, { kind: 'dsa' }])('refuses %j', (v) => {
    expect(() => checkKeyAlgorithm(v)).toThrow();
  });

  it('names every algorithm for people', () => {
    expect([...SYMMETRIC, ...PAIRS].map(describeAlgorithm)).toEqual(['AES-128-GCM', 'AES-256-GCM', 'HMAC-SHA-256', 'HMAC-SHA-512', 'ECDSA P-256', 'Ed25519', 'RSA-OAEP 2048', 'RSA-PSS 2048']);
  });
});
