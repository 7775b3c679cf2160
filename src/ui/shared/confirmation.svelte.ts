// Owns the state of a confirmation dialog: what it asks about (null: closed), whether the confirmed action runs, and
// why it failed. The dialog stays open on a failure, with the vault's reason in it.

import { errorMessage } from './messages';

export class Confirmation<T> {
  target = $state.raw<T | null>(null);
  busy = $state(false);
  error = $state('');

  open(target: T): void {
    this.error = '';
    this.busy = false;
    this.target = target;
  }

  close(): void {
    this.target = null;
  }

  /** Runs `work` on the target; when it succeeds the dialog closes and `after` says what happened. */
  async confirm<R>(work: (target: T) => Promise<R>, after: (target: T, result: R) => void | Promise<void>): Promise<void> {
    const target = this.target;
    if (target === null) return;
    this.busy = true;
    this.error = '';
    try {
      const result = await work(target);
      this.target = null;
      await after(target, result);
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }
}
