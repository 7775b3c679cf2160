// Simulates a full disk the way Chromium reports one: the transaction aborts with a QuotaExceededError
// (IDBTransaction.error) while its requests fail with a plain AbortError. fake-indexeddb's own abort step does it.

import { vi } from 'vitest';

type StoreMethod = 'put' | 'add';

/** After the `n`-th put (or add) is issued, the "disk" is full: that transaction aborts. Restore with vi.restoreAllMocks(). */
export function diskFullAfter(n: number, method: StoreMethod = 'put'): { readonly issued: number } {
  const proto = globalThis.IDBObjectStore.prototype;
  const real = proto[method] as (...args: unknown[]) => IDBRequest;
  const state = { issued: 0 };
  vi.spyOn(proto, method).mockImplementation(function (this: IDBObjectStore, ...args: unknown[]) {
    const request = real.apply(this, args);
    if (++state.issued === n) (this.transaction as unknown as { _abort(name: string): void })._abort('QuotaExceededError');
    return request;
  } as never);
  return state;
}
