// Owns the words for kinds of keys: the "Type" choices of the new-key form and how a key's type is named.

import type { KeyAlgorithm, KeySummary } from '../../vault';

export interface KeyTypeChoice {
  /** The <option> value. */
  readonly value: string;
  readonly label: string;
  readonly group: 'Secret' | 'Symmetric keys' | 'Key pairs';
  /** null for a secret (a pasted or generated value). */
  readonly algorithm: KeyAlgorithm | null;
}

export const KEY_TYPE_CHOICES: readonly KeyTypeChoice[] = Object.freeze([
  { value: 'secret', label: 'Secret (API key, token…)', group: 'Secret', algorithm: null },
  { value: 'aes-gcm-128', label: 'AES-GCM 128', group: 'Symmetric keys', algorithm: { kind: 'aes-gcm', length: 128 } },
  { value: 'aes-gcm-256', label: 'AES-GCM 256', group: 'Symmetric keys', algorithm: { kind: 'aes-gcm', length: 256 } },
  { value: 'hmac-sha-256', label: 'HMAC-SHA-256', group: 'Symmetric keys', algorithm: { kind: 'hmac', hash: 'SHA-256' } },
  { value: 'hmac-sha-512', label: 'HMAC-SHA-512', group: 'Symmetric keys', algorithm: { kind: 'hmac', hash: 'SHA-512' } },
  { value: 'ecdsa-p256', label: 'ECDSA P-256', group: 'Key pairs', algorithm: { kind: 'ecdsa-p256' } },
  { value: 'ed25519', label: 'Ed25519', group: 'Key pairs', algorithm: { kind: 'ed25519' } },
  { value: 'rsa-oaep-2048', label: 'RSA-OAEP 2048', group: 'Key pairs', algorithm: { kind: 'rsa-oaep', modulusLength: 2048 } },
  { value: 'rsa-oaep-3072', label: 'RSA-OAEP 3072', group: 'Key pairs', algorithm: { kind: 'rsa-oaep', modulusLength: 3072 } },
  { value: 'rsa-oaep-4096', label: 'RSA-OAEP 4096', group: 'Key pairs', algorithm: { kind: 'rsa-oaep', modulusLength: 4096 } },
  { value: 'rsa-pss-2048', label: 'RSA-PSS 2048', group: 'Key pairs', algorithm: { kind: 'rsa-pss', modulusLength: 2048 } },
  { value: 'rsa-pss-3072', label: 'RSA-PSS 3072', group: 'Key pairs', algorithm: { kind: 'rsa-pss', modulusLength: 3072 } },
  { value: 'rsa-pss-4096', label: 'RSA-PSS 4096', group: 'Key pairs', algorithm: { kind: 'rsa-pss', modulusLength: 4096 } },
] satisfies KeyTypeChoice[]);

export const KEY_TYPE_GROUPS = ['Secret', 'Symmetric keys', 'Key pairs'] as const;

export function keyTypeChoice(value: string): KeyTypeChoice | undefined {
  return KEY_TYPE_CHOICES.find((choice) => choice.value === value);
}

/** "AES-GCM 256", "HMAC-SHA-512", "RSA-PSS 3072"… as in the Type select. */
export function algorithmLabel(algorithm: KeyAlgorithm): string {
  switch (algorithm.kind) {
    case 'aes-gcm':
      return `AES-GCM ${algorithm.length}`;
    case 'hmac':
      return `HMAC-${algorithm.hash}`;
    case 'ecdsa-p256':
      return 'ECDSA P-256';
    case 'ed25519':
      return 'Ed25519';
    case 'rsa-oaep':
      return `RSA-OAEP ${algorithm.modulusLength}`;
    case 'rsa-pss':
      return `RSA-PSS ${algorithm.modulusLength}`;
  }
}

export function isSymmetricAlgorithm(algorithm: KeyAlgorithm): boolean {
  return algorithm.kind === 'aes-gcm' || algorithm.kind === 'hmac';
}

/** What the key page calls a key's type: "Secret (text)", "ECDSA P-256 key pair", "RSA-OAEP 2048 public key"… */
export function keyTypeLabel(key: Pick<KeySummary, 'algorithm' | 'format' | 'hasPrivate'>): string {
  if (key.algorithm === null) return `Secret (${key.format})`;
  const name = algorithmLabel(key.algorithm);
  if (isSymmetricAlgorithm(key.algorithm)) return `${name} key`;
  return key.hasPrivate ? `${name} key pair` : `${name} public key`;
}
