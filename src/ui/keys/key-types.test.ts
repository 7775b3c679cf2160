import { describe, expect, it } from 'vitest';
import { describeAlgorithm } from '../../vault';
import { algorithmLabel, KEY_TYPE_CHOICES, keyTypeChoice, keyTypeLabel } from './key-types';

describe('key types', () => {
  it('offers a secret and every typed key the vault makes, labelled as in the issue', () => {
    expect(KEY_TYPE_CHOICES.map((c) => c.label)).toEqual([
      'Secret (API key, token…)',
      'AES-GCM 128',
      'AES-GCM 256',
      'HMAC-SHA-256',
      'HMAC-SHA-512',
      'ECDSA P-256',
      'Ed25519',
      'RSA-OAEP 2048',
      'RSA-OAEP 3072',
      'RSA-OAEP 4096',
      'RSA-PSS 2048',
      'RSA-PSS 3072',
      'RSA-PSS 4096',
    ]);
    expect(new Set(KEY_TYPE_CHOICES.map((c) => c.value)).size).toBe(KEY_TYPE_CHOICES.length);
    for (const choice of KEY_TYPE_CHOICES) {
      if (choice.algorithm === null) continue;
      expect(algorithmLabel(choice.algorithm)).toBe(choice.label);
      // The vault knows every algorithm offered.
      expect(describeAlgorithm(choice.algorithm).length).toBeGreaterThan(0);
    }
    expect(keyTypeChoice('nope')).toBeUndefined();
  });

  it('names a key’s type', () => {
    expect(keyTypeLabel({ algorithm: null, format: 'hex', hasPrivate: true })).toBe('Secret (hex)');
    expect(keyTypeLabel({ algorithm: { kind: 'aes-gcm', length: 256 }, format: 'text', hasPrivate: true })).toBe('AES-GCM 256 key');
    expect(keyTypeLabel({ algorithm: { kind: 'ecdsa-p256' }, format: 'text', hasPrivate: true })).toBe('ECDSA P-256 key pair');
    expect(keyTypeLabel({ algorithm: { kind: 'rsa-pss', modulusLength: 3072 }, format: 'text', hasPrivate: false })).toBe('RSA-PSS 3072 public key');
  });
});
