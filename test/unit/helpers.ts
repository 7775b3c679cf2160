// Shared by unit tests: a fresh fake IndexedDB database per test and a controllable clock.

import 'fake-indexeddb/auto';
import { expect } from 'vitest';
import { openVault, VaultError, type Clock, type Session, type Vault } from '../../src/vault';
import { MIN_ITERATIONS } from '../../src/crypto';

let counter = 0;
export function freshDbName(): string {
  counter += 1;
  return `keyward-test-${process.pid}-${counter}-${Math.random().toString(36).slice(2)}`;
}

export class FakeClock implements Clock {
  constructor(public ms = Date.UTC(2026, 10, 28, 12, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Tests use the lowest allowed iteration count: the bounds are tested in kdf.test.ts, speed matters here. */
export const TEST_ITERATIONS = MIN_ITERATIONS;
export const PASSWORD = 'correct horse battery staple';

/** A fresh vault; `kdfFloor` as in openVault (tests default to TEST_ITERATIONS so unlock does not upgrade). */
export async function newVault(clock: Clock = new FakeClock()): Promise<{ vault: Vault; dbName: string }> {
  const dbName = freshDbName();
  return { vault: await openVault({ dbName, clock, kdfFloor: TEST_ITERATIONS }), dbName };
}

/** A vault with its owner signed in (the session most tests start from). */
export async function createdVault(clock: FakeClock = new FakeClock()): Promise<{ vault: Vault; dbName: string; session: Session; clock: FakeClock }> {
  const { vault, dbName } = await newVault(clock);
  const session = await vault.create({ ownerName: 'Ada', password: PASSWORD, iterations: TEST_ITERATIONS });
  return { vault, dbName, session, clock };
}

/** Asserts that `promise` rejects with a VaultError of `code` (and `field`, when given). */
export async function rejectsWith(promise: Promise<unknown>, code: string, field?: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VaultError);
  expect((error as VaultError).code).toBe(code);
  if (field) expect((error as VaultError).field).toBe(field);
}

/**
 * Every row of every store, as one string (bytes as hex): equal dumps before and after an operation prove it
 * wrote nothing. Opens its own connection, so the vault under test may stay open.
 */
export async function dumpDb(dbName: string): Promise<string> {
  const { DB, openKeywardDb } = await import('../../src/storage');
  const db = await openKeywardDb({ name: dbName });
  try {
    const out: Record<string, unknown[]> = {};
    for (const store of Object.values(DB.stores)) out[store] = await db.getAll(store);
    return JSON.stringify(out, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
  } finally {
    db.close();
  }
}

/** Paths at which `value` (at any depth) holds an own `__proto__`, `constructor` or `prototype` member. */
export function poisonedPaths(value: unknown, path = '$'): string[] {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return [];
  const out: string[] = [];
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== 'string') continue;
    if (['__proto__', 'constructor', 'prototype'].includes(key)) out.push(`${path}.${key}`);
    out.push(...poisonedPaths((value as Record<string, unknown>)[key], `${path}.${key}`));
  }
  return out;
}

/** Object.prototype and Array.prototype hold nothing a hostile document could have put there. */
export function expectNoGlobalPollution(): void {
  for (const probe of [{}, [], Object.create(Object.prototype)]) {
    expect((probe as Record<string, unknown>).polluted).toBeUndefined();
  }
  expect(Object.prototype).not.toHaveProperty('polluted');
}
