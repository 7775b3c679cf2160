// Tests for wrap.ts: key generation, wrapping under a context AAD, and unwrapping that fails closed.

import { describe, it, expect } from 'vitest';
import { expectCryptoError, rejection } from '../../test/unit/crypto-helpers';
import { concatBytes, toHex, utf8Decode, utf8Encode } from './bytes';
import { CryptoError } from './errors';
import { ENVELOPE_VERSION, IV_BYTES, TAG_BYTES, contextAad, open, seal } from './aead';
import type { DataKey, Kek, UserKey, WrappingKey } from './keys';
import { WRAPPED_KEY_BYTES, generateDataKey, generateUserKey, unwrapDataKey, unwrapUserKey, wrapKey } from './wrap';

async function expectRejects(promise: Promise<unknown>, type: ErrorConstructor, message?: RegExp): Promise<void> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(type);
  if (message) expect((error as Error).message).toMatch(message);
}

/** A stand-in for a password-derived KEK (kdf.test.ts covers deriveKek): same algorithm and usages. */
async function testKek(): Promise<Kek> {
  return (await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey'])) as Kek;
}

async function rawHex(key: CryptoKey): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.exportKey('raw', key)));
}

const dekAad = contextAad('dek', 'rec-1', 'user-1', 0);
const userKeyAad = contextAad('userkey', 'user-1', 'kek', 0);
const valueAad = contextAad('rec', 'rec-1', 'value', 1);

describe('generateUserKey / generateDataKey', () => {
  it('a user key is AES-256-GCM, extractable once for wrapping, and can wrap and encrypt', async () => {
    const key = await generateUserKey();
    expect(key.type).toBe('secret');
    expect(key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    expect(key.extractable).toBe(true);
    expect([...key.usages].sort()).toEqual(['decrypt', 'encrypt', 'unwrapKey', 'wrapKey']);
  });

  it('a data key is AES-256-GCM, extractable once for wrapping, and can only encrypt and decrypt', async () => {
    const key = await generateDataKey();
    expect(key.type).toBe('secret');
    expect(key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    expect(key.extractable).toBe(true);
    expect([...key.usages].sort()).toEqual(['decrypt', 'encrypt']);
  });

  it('each call gives a new key', async () => {
    expect(await rawHex(await generateDataKey())).not.toBe(await rawHex(await generateDataKey()));
    expect(await rawHex(await generateUserKey())).not.toBe(await rawHex(await generateUserKey()));
  });
});

describe('wrapKey → unwrapDataKey / unwrapUserKey', () => {
  it('a data key wrapped under a user key unwraps to the same key', async () => {
    const userKey = await generateUserKey();
    const dek = await generateDataKey();
    const wrapped = await wrapKey(userKey, dek, dekAad);
    expect(WRAPPED_KEY_BYTES).toBe(1 + IV_BYTES + 32 + TAG_BYTES);
    expect(wrapped).toHaveLength(WRAPPED_KEY_BYTES);
    expect(wrapped[0]).toBe(ENVELOPE_VERSION);

    const unwrapped = await unwrapDataKey(userKey, wrapped, dekAad);
    // Seal with the original, open with the unwrapped key, and the other way round.
    const sealed = await seal(dek, utf8Encode('the value'), valueAad);
    expect(utf8Decode(await open(unwrapped, sealed, valueAad))).toBe('the value');
    const sealedAgain = await seal(unwrapped, utf8Encode('new value'), valueAad);
    expect(utf8Decode(await open(dek, sealedAgain, valueAad))).toBe('new value');
  });

  it('a user key wrapped under a KEK unwraps with user-key usages and can unwrap its data keys', async () => {
    const kek = await testKek();
    const userKey = await generateUserKey();
    const dek = await generateDataKey();
    const wrappedUser = await wrapKey(kek, userKey, userKeyAad);
    const wrappedDek = await wrapKey(userKey, dek, dekAad);
    expect(wrappedUser).toHaveLength(WRAPPED_KEY_BYTES);

    const unwrappedUser = await unwrapUserKey(kek, wrappedUser, userKeyAad);
    expect([...unwrappedUser.usages].sort()).toEqual(['decrypt', 'encrypt', 'unwrapKey', 'wrapKey']);
    const unwrappedDek = await unwrapDataKey(unwrappedUser, wrappedDek, dekAad);
    const sealed = await seal(dek, utf8Encode('through the hierarchy'), valueAad);
    expect(utf8Decode(await open(unwrappedDek, sealed, valueAad))).toBe('through the hierarchy');
  });

  it('unwrapped keys are non-extractable by default', async () => {
    const kek = await testKek();
    const userKey = await generateUserKey();
    const dek = await generateDataKey();
    const unwrappedUser = await unwrapUserKey(kek, await wrapKey(kek, userKey, userKeyAad), userKeyAad);
    const unwrappedDek = await unwrapDataKey(userKey, await wrapKey(userKey, dek, dekAad), dekAad);
    for (const key of [unwrappedUser, unwrappedDek]) {
      expect(key.extractable).toBe(false);
      expect(key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
      await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
    }
    expect([...unwrappedDek.usages].sort()).toEqual(['decrypt', 'encrypt']);
    // A non-extractable key cannot be wrapped again.
    await expectRejects(wrapKey(kek, unwrappedUser, userKeyAad), TypeError, /extractable/);
  });

  it('unwrapped keys are extractable only when asked, and then carry the same bytes', async () => {
    const kek = await testKek();
    const userKey = await generateUserKey();
    const dek = await generateDataKey();
    const wrappedUser = await wrapKey(kek, userKey, userKeyAad);
    const wrappedDek = await wrapKey(userKey, dek, dekAad);

    const user = await unwrapUserKey(kek, wrappedUser, userKeyAad, { extractable: true });
    const data = await unwrapDataKey(userKey, wrappedDek, dekAad, { extractable: true });
    expect(user.extractable).toBe(true);
    expect(data.extractable).toBe(true);
    expect(await rawHex(user)).toBe(await rawHex(userKey));
    expect(await rawHex(data)).toBe(await rawHex(dek));

    expect((await unwrapDataKey(userKey, wrappedDek, dekAad, { extractable: false })).extractable).toBe(false);
    // An extractable unwrapped key can be re-wrapped (password change, rotation), and that wrapping unwraps.
    const rewrapped = await wrapKey(kek, user, userKeyAad);
    expect(await rawHex(await unwrapUserKey(kek, rewrapped, userKeyAad, { extractable: true }))).toBe(await rawHex(userKey));
  });

  it('each wrapping of the same key uses a fresh IV and differs', async () => {
    const userKey = await generateUserKey();
    const dek = await generateDataKey();
    const wrappings = await Promise.all(Array.from({ length: 10 }, () => wrapKey(userKey, dek, dekAad)));
    expect(new Set(wrappings.map((w) => toHex(w.subarray(1, 1 + IV_BYTES)))).size).toBe(10);
    expect(new Set(wrappings.map(toHex)).size).toBe(10);
  });
});

describe('unwrap fails closed', () => {
  async function setup(): Promise<{ userKey: UserKey; dek: DataKey; wrapped: Uint8Array<ArrayBuffer> }> {
    const userKey = await generateUserKey();
    const dek = await generateDataKey();
    return { userKey, dek, wrapped: await wrapKey(userKey, dek, dekAad) };
  }

  it.each([
    ['another record', contextAad('dek', 'rec-2', 'user-1', 0)],
    ['another grantee', contextAad('dek', 'rec-1', 'user-2', 0)],
    ['another version', contextAad('dek', 'rec-1', 'user-1', 1)],
    ['another kind', contextAad('rec', 'rec-1', 'user-1', 0)],
    ['an empty AAD', new Uint8Array(0)],
  ])('wrong AAD (%s) → UnwrapFailed', async (_label, aad) => {
    const { userKey, wrapped } = await setup();
    await expectCryptoError(unwrapDataKey(userKey, wrapped, aad), 'UnwrapFailed');
  });

  it('wrong wrapping key → UnwrapFailed', async () => {
    const { wrapped } = await setup();
    await expectCryptoError(unwrapDataKey(await generateUserKey(), wrapped, dekAad), 'UnwrapFailed');
    await expectCryptoError(unwrapDataKey(await testKek(), wrapped, dekAad), 'UnwrapFailed');
  });

  it('a user key wrapped under one KEK does not unwrap under another', async () => {
    const kek = await testKek();
    const wrapped = await wrapKey(kek, await generateUserKey(), userKeyAad);
    await expectCryptoError(unwrapUserKey(await testKek(), wrapped, userKeyAad), 'UnwrapFailed');
  });

  it('keeps the platform error as the cause', async () => {
    const { wrapped } = await setup();
    const error = await expectCryptoError(unwrapDataKey(await generateUserKey(), wrapped, dekAad), 'UnwrapFailed');
    expect(error.cause).toBeDefined();
  });

  it('every single-bit flip → UnwrapFailed (MalformedEnvelope for the format byte)', async () => {
    const { userKey, dek, wrapped } = await setup();
    let tried = 0;
    for (let byte = 0; byte < wrapped.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const tampered = new Uint8Array(wrapped);
        tampered[byte] = tampered[byte]! ^ (1 << bit);
        await expectCryptoError(unwrapDataKey(userKey, tampered, dekAad), byte === 0 ? 'MalformedEnvelope' : 'UnwrapFailed');
        tried++;
      }
    }
    expect(tried).toBe(WRAPPED_KEY_BYTES * 8);
    // The untouched wrapping still unwraps to the same key.
    expect(await rawHex(await unwrapDataKey(userKey, wrapped, dekAad, { extractable: true }))).toBe(await rawHex(dek));
  });

  it.each([0, 1, 29, WRAPPED_KEY_BYTES - 1, WRAPPED_KEY_BYTES + 1, 2 * WRAPPED_KEY_BYTES])('length %i → MalformedEnvelope', async (length) => {
    const { userKey, wrapped } = await setup();
    const wrong = length <= wrapped.length ? wrapped.slice(0, length) : concatBytes(wrapped, new Uint8Array(length - wrapped.length));
    expect(wrong).toHaveLength(length);
    await expectCryptoError(unwrapDataKey(userKey, wrong, dekAad), 'MalformedEnvelope');
  });

  it.each([0, 2, 255])('format byte %i → MalformedEnvelope', async (format) => {
    const { userKey, wrapped } = await setup();
    const other = new Uint8Array(wrapped);
    other[0] = format;
    await expectCryptoError(unwrapDataKey(userKey, other, dekAad), 'MalformedEnvelope');
  });
});

describe('wrapKey / unwrap bad input', () => {
  it('wrapping a non-extractable key → TypeError', async () => {
    const userKey = await generateUserKey();
    const fixed = (await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])) as DataKey;
    await expectRejects(wrapKey(userKey, fixed, dekAad), TypeError, /extractable/);
  });

  it('wrapping a key that is not AES-256-GCM → TypeError (it could never be unwrapped)', async () => {
    const userKey = await generateUserKey();
    const aes128 = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt', 'decrypt']);
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256', length: 256 }, true, ['sign']);
    const cbc = await crypto.subtle.generateKey({ name: 'AES-CBC', length: 256 }, true, ['encrypt']);
    for (const key of [aes128, hmac, cbc]) {
      await expectRejects(wrapKey(userKey, key as DataKey, dekAad), TypeError, /AES-256-GCM/);
    }
  });

  it('a data key cannot wrap or unwrap (no wrapKey / unwrapKey usage)', async () => {
    const dek = await generateDataKey();
    const other = await generateDataKey();
    await expectRejects(wrapKey(dek as unknown as WrappingKey, other, dekAad), TypeError, /"wrappingKey"/);
    const wrapped = await wrapKey(await generateUserKey(), other, dekAad);
    await expectRejects(unwrapDataKey(dek as unknown as WrappingKey, wrapped, dekAad), TypeError, /"wrappingKey"/);
  });

  it('a non-AES-GCM or non-CryptoKey wrapping key → TypeError', async () => {
    const dek = await generateDataKey();
    const kw = await crypto.subtle.generateKey({ name: 'AES-KW', length: 256 }, false, ['wrapKey', 'unwrapKey']);
    await expectRejects(wrapKey(kw as WrappingKey, dek, dekAad), TypeError, /AES-GCM/);
    await expectRejects(wrapKey({} as WrappingKey, dek, dekAad), TypeError, /"wrappingKey"/);
    await expectRejects(unwrapDataKey(null as unknown as WrappingKey, new Uint8Array(WRAPPED_KEY_BYTES), dekAad), TypeError, /"wrappingKey"/);
  });

  it('the key to wrap, the AAD and the wrapping must be the right types', async () => {
    const userKey = await generateUserKey();
    const dek = await generateDataKey();
    await expectRejects(wrapKey(userKey, new Uint8Array(32) as unknown as DataKey, dekAad), TypeError, /"key"/);
    await expectRejects(wrapKey(userKey, dek, 'aad' as unknown as Uint8Array), TypeError, /"aad"/);
    const wrapped = await wrapKey(userKey, dek, dekAad);
    await expectRejects(unwrapDataKey(userKey, toHex(wrapped) as unknown as Uint8Array, dekAad), TypeError, /"wrapped"/);
    await expectRejects(unwrapDataKey(userKey, wrapped, null as unknown as Uint8Array), TypeError, /"aad"/);
  });
});

describe('wrapped keys and sealed envelopes are kept apart', () => {
  it('a wrapped data key cannot be opened as data, and a sealed 32-byte value cannot be unwrapped as a key', async () => {
    const userKey = await generateUserKey();
    const dataKey = await generateDataKey();
    const ctx = contextAad('dek', 'k1', 'u1');
    const wrapped = await wrapKey(userKey, dataKey, ctx);
    // Same layout and same context: only the domain prefix in the GCM AAD keeps them apart (FORMAT.md §2–3).
    await expect(open(userKey, wrapped, ctx)).rejects.toMatchObject({ code: 'DecryptFailed' });
    const sealed32 = await seal(userKey, new Uint8Array(32).fill(7), ctx);
    expect(sealed32.length).toBe(WRAPPED_KEY_BYTES);
    await expect(unwrapDataKey(userKey, sealed32, ctx)).rejects.toMatchObject({ code: 'UnwrapFailed' });
  });
});
