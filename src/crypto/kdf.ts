// Owns password-based key derivation: PBKDF2-HMAC-SHA256, its bounds, defaults and calibration.

import { assertBytes, utf8Encode } from './bytes';
import type { Kek } from './keys';
import { randomBytes } from './random';

export const KDF_NAME = 'PBKDF2-HMAC-SHA256';
/** OWASP Password Storage Cheat Sheet (2023+): 600,000 iterations for PBKDF2-HMAC-SHA256. */
export const DEFAULT_ITERATIONS = 600_000;
/** Bounds applied to any iteration count read from storage or a file (ARCHITECTURE.md §2). */
export const MIN_ITERATIONS = 100_000;
export const MAX_ITERATIONS = 10_000_000;
export const SALT_BYTES = 16;

export interface KdfParams {
  readonly name: typeof KDF_NAME;
  readonly iterations: number;
  readonly salt: Uint8Array<ArrayBuffer>;
}

/** Checks parameters that came from storage or a file before any work is done with them. */
export function checkKdfParams(params: unknown): KdfParams {
  if (typeof params !== 'object' || params === null) throw new TypeError('"kdf" must be an object');
  const p = params as Record<string, unknown>;
  if (p.name !== KDF_NAME) throw new RangeError(`"kdf.name" must be ${KDF_NAME}, got ${String(p.name)}`);
  const iterations = p.iterations;
  if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new RangeError(`"kdf.iterations" must be an integer from ${MIN_ITERATIONS} to ${MAX_ITERATIONS}, got ${String(iterations)}`);
  }
  const salt = p.salt;
  if (!(salt instanceof Uint8Array) || salt.length !== SALT_BYTES) {
    throw new RangeError(`"kdf.salt" must be ${SALT_BYTES} bytes`);
  }
  return { name: KDF_NAME, iterations, salt: salt as Uint8Array<ArrayBuffer> };
}

/** Fresh parameters: a new random 16-byte salt and the given (bounded) iteration count. */
export function newKdfParams(iterations: number = DEFAULT_ITERATIONS): KdfParams {
  return checkKdfParams({ name: KDF_NAME, iterations, salt: randomBytes(SALT_BYTES) });
}

function passwordBytes(password: string): Uint8Array<ArrayBuffer> {
  if (typeof password !== 'string') throw new TypeError('"password" must be a string');
  if (password.length === 0) throw new RangeError('"password" must not be empty');
  // A lone surrogate would be encoded as U+FFFD, so two different strings would derive one key.
  if (!isWellFormed(password)) throw new RangeError('"password" must be well-formed Unicode (it has a lone surrogate)');
  // NFC so that the same password typed on two keyboards (precomposed or combining marks) derives one key.
  return utf8Encode(password.normalize('NFC'));
}

/** True when `text` has no lone UTF-16 surrogate (String.prototype.isWellFormed, without needing ES2024). */
export function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/**
 * Raw PBKDF2-HMAC-SHA256 output. Unbounded iterations (≥ 1) so that published vectors can be checked;
 * vault code derives keys only through deriveKek, which applies the bounds.
 */
export async function pbkdf2Sha256(password: Uint8Array, salt: Uint8Array, iterations: number, lengthBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  assertBytes(password, 'password');
  assertBytes(salt, 'salt');
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`"iterations" must be a positive integer, got ${iterations}`);
  if (!Number.isInteger(lengthBytes) || lengthBytes < 1 || lengthBytes > 1024) throw new RangeError(`"lengthBytes" must be an integer from 1 to 1024, got ${lengthBytes}`);
  const base = await crypto.subtle.importKey('raw', new Uint8Array(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(salt), iterations }, base, lengthBytes * 8);
  return new Uint8Array(bits);
}

/**
 * password → PBKDF2 → AES-256-GCM key-encryption key. Non-extractable; usable only to wrap and unwrap
 * keys (ARCHITECTURE.md §2: the KDF output is only ever a KEK).
 */
export async function deriveKek(password: string, params: KdfParams): Promise<Kek> {
  const { iterations, salt } = checkKdfParams(params);
  const base = await crypto.subtle.importKey('raw', passwordBytes(password), 'PBKDF2', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
  return key as Kek;
}

export interface CalibrateOptions {
  /** How long one derivation should take on this device (default 500 ms). */
  targetMs?: number;
  /** Iterations of the probe derivation (default 100,000). */
  probeIterations?: number;
  /** Milliseconds clock; injected by tests. */
  now?: () => number;
}

/**
 * Iterations such that one derivation takes about `targetMs` here: never below the OWASP default,
 * never above MAX_ITERATIONS, rounded to 10,000.
 */
export async function calibrateIterations(options: CalibrateOptions = {}): Promise<number> {
  const targetMs = options.targetMs ?? 500;
  const probe = options.probeIterations ?? 100_000;
  const now = options.now ?? (() => performance.now());
  if (!(targetMs > 0)) throw new RangeError(`"targetMs" must be positive, got ${targetMs}`);
  const salt = randomBytes(SALT_BYTES);
  const pw = randomBytes(16);
  // The first call warms up the WebCrypto path; the second is measured.
  await pbkdf2Sha256(pw, salt, 1000, 32);
  const start = now();
  await pbkdf2Sha256(pw, salt, probe, 32);
  const elapsed = Math.max(now() - start, 1);
  const scaled = Math.round(((probe * targetMs) / elapsed) / 10_000) * 10_000;
  return Math.min(MAX_ITERATIONS, Math.max(DEFAULT_ITERATIONS, scaled));
}
