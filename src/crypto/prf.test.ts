// Tests for prf.ts: the passkey slot KEK — a table of PRF outputs and salts refused before any key exists, the HKDF
// derivation against an independent computation, and that the KEK wraps and unwraps only (non-extractable).

import { describe, expect, it } from 'vitest';
import { CryptoError } from './errors';
import { checkPrfOutput, derivePrfKek, PASSKEY_SLOT_INFO } from './prf';
import { generateUserKey, unwrapUserKey, wrapKey } from './wrap';
import { utf8Encode } from './bytes';

const good = () => Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const salt = () => Uint8Array.from({ length: 32 }, (_, i) => 200 - i);

describe('checkPrfOutput / derivePrfKek refuse bad PRF outputs before any unwrap', () => {
  const oneBit = new Uint8Array(32);
  oneBit[31] = 1;
  const bad: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['an ArrayBuffer, not a Uint8Array', new ArrayBuffer(32)],
    ['a number array', Array.from({ length: 32 }, () => 7)],
    ['a string of 32 characters', 'x'.repeat(32)],
    ['empty', new Uint8Array(0)],
    ['16 bytes', good().subarray(0, 16)],
    ['31 bytes', good().subarray(0, 31)],
    ['33 bytes', Uint8Array.from({ length: 33 }, () => 9)],
    ['64 bytes (both PRF results joined)', Uint8Array.from({ length: 64 }, () => 9)],
    ['32 zero bytes', new Uint8Array(32)],
  ];
  for (const [name, value] of bad) {
    it(`refuses ${name}`, async () => {
      expect(() => checkPrfOutput(value)).toThrow(CryptoError);
      await expect(derivePrfKek(value, salt())).rejects.toMatchObject({ name: 'CryptoError', code: 'WeakKeyMaterial' });
    });
  }

  it('accepts 32 bytes with one bit set (not all zero)', () => {
    expect(checkPrfOutput(oneBit)).toBe(oneBit);
  });

  const badSalts: [string, unknown][] = [
    ['empty', new Uint8Array(0)],
    ['16 bytes', new Uint8Array(16)],
    ['33 bytes', new Uint8Array(33)],
  ];
  for (const [name, value] of badSalts) {
    it(`refuses a salt of ${name}`, async () => {
      await expect(derivePrfKek(good(), value as Uint8Array)).rejects.toMatchObject({ code: 'WeakKeyMaterial' });
    });
  }
  it('refuses a salt that is not bytes', async () => {
    await expect(derivePrfKek(good(), 'salt' as unknown as Uint8Array)).rejects.toThrow(TypeError);
  });
});

describe('derivePrfKek', () => {
  it('is HKDF-SHA256(PRF output, slot salt, "keyward/passkey-slot/v1"): a key wrapped under it opens under the same HKDF computed directly', async () => {
    expect(PASSKEY_SLOT_INFO).toBe('keyward/passkey-slot/v1');
    const kek = await derivePrfKek(good(), salt());
    const ikm = await crypto.subtle.importKey('raw', good(), 'HKDF', false, ['deriveBits']);
    const raw = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: salt(), info: utf8Encode('keyward/passkey-slot/v1') }, ikm, 256);
    const direct = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['wrapKey', 'unwrapKey']);
    const aad = utf8Encode('kw1|passkey|u|s:slotKey|0');
    const wrapped = await wrapKey(kek, await generateUserKey(), aad);
    await expect(unwrapUserKey(direct as never, wrapped, aad)).resolves.toBeInstanceOf(CryptoKey);
  });

  it('another PRF output or another salt gives a KEK that does not open the wrapping', async () => {
    const aad = utf8Encode('kw1|passkey|u|s:slotKey|0');
    const wrapped = await wrapKey(await derivePrfKek(good(), salt()), await generateUserKey(), aad);
    const otherOutput = good();
    otherOutput[0] = otherOutput[0]! ^ 1;
    const otherSalt = salt();
    otherSalt[5] = otherSalt[5]! ^ 0x80;
    await expect(unwrapUserKey(await derivePrfKek(otherOutput, salt()), wrapped, aad)).rejects.toMatchObject({ code: 'UnwrapFailed' });
    await expect(unwrapUserKey(await derivePrfKek(good(), otherSalt), wrapped, aad)).rejects.toMatchObject({ code: 'UnwrapFailed' });
    await expect(unwrapUserKey(await derivePrfKek(good(), salt()), wrapped, aad)).resolves.toBeInstanceOf(CryptoKey);
  });

  it('is a non-extractable AES-256-GCM key usable only to wrap and unwrap', async () => {
    const kek = await derivePrfKek(good(), salt());
    expect(kek.extractable).toBe(false);
    expect(kek.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    expect([...kek.usages].sort()).toEqual(['unwrapKey', 'wrapKey']);
  });
});
