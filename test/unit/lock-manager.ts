// A stand-in for navigator.locks in Node: one exclusive FIFO lock per name, shared by every "tab" of the test process.

import type { LockManagerLike } from '../../src/storage';

export class FakeLockManager implements LockManagerLike {
  readonly #tails = new Map<string, Promise<void>>();
  /** How many callbacks ran while another holder of the same name was still inside: must stay 0. */
  overlaps = 0;
  #inside = new Map<string, number>();

  request<T>(name: string, _options: { mode: 'exclusive' }, callback: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.#tails.set(name, previous.then(() => mine));
    return previous.then(async () => {
      const inside = (this.#inside.get(name) ?? 0) + 1;
      this.#inside.set(name, inside);
      if (inside > 1) this.overlaps++;
      try {
        return await callback();
      } finally {
        this.#inside.set(name, (this.#inside.get(name) ?? 1) - 1);
        release();
      }
    });
  }
}
