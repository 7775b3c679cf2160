// Shared by the crypto unit tests: what a rejected promise rejected with, and a CryptoError code check.

import { expect } from 'vitest';
import { CryptoError } from '../../src/crypto';

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** Asserts a CryptoError with `code` (or one of several codes) and returns it. */
export async function expectCryptoError(promise: Promise<unknown>, code: CryptoError['code'] | CryptoError['code'][]): Promise<CryptoError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(CryptoError);
  const codes = Array.isArray(code) ? code : [code];
  expect(codes).toContain((error as CryptoError).code);
  return error as CryptoError;
}
