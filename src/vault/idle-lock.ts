// Owns auto-lock timing: fire once after a period without activity, even where hidden tabs throttle timers.

import { systemClock, type Clock } from './types';

export interface IdleLockOptions {
  timeoutMs: number;
  onIdle: () => void;
  clock?: Clock;
  /** Injected timer functions (tests); default setTimeout/clearTimeout. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * The deadline is kept as a clock time, not only as a timer: a hidden tab may run its timers late,
 * so every wake-up (timer, visibilitychange, focus → check()) compares the clock with the deadline.
 */
export class IdleLock {
  #timeoutMs: number;
  readonly #onIdle: () => void;
  readonly #clock: Clock;
  readonly #setTimer: (fn: () => void, ms: number) => unknown;
  readonly #clearTimer: (handle: unknown) => void;
  #deadline = 0;
  #handle: unknown = undefined;
  #running = false;

  constructor(options: IdleLockOptions) {
    this.#timeoutMs = IdleLock.#checkMs(options.timeoutMs);
    this.#onIdle = options.onIdle;
    this.#clock = options.clock ?? systemClock;
    this.#setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  static #checkMs(ms: number): number {
    if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`"timeoutMs" must be a positive number, got ${ms}`);
    return ms;
  }

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    this.#running = true;
    this.touch();
  }

  stop(): void {
    this.#running = false;
    this.#cancel();
  }

  /** Activity: push the deadline out by the full timeout. */
  touch(): void {
    if (!this.#running) return;
    this.#deadline = this.#clock.now() + this.#timeoutMs;
    this.#arm(this.#timeoutMs);
  }

  setTimeoutMs(ms: number): void {
    this.#timeoutMs = IdleLock.#checkMs(ms);
    this.touch();
  }

  /** Fires at once if the deadline has passed (e.g. while the tab was hidden); otherwise re-arms. */
  check(): void {
    if (!this.#running) return;
    const left = this.#deadline - this.#clock.now();
    if (left <= 0) {
      this.stop();
      this.#onIdle();
    } else {
      this.#arm(left);
    }
  }

  #arm(ms: number): void {
    this.#cancel();
    // Timers are capped so a long period is re-checked against the clock rather than trusted to one timer.
    this.#handle = this.#setTimer(() => this.check(), Math.min(ms, 60_000));
  }

  #cancel(): void {
    if (this.#handle !== undefined) this.#clearTimer(this.#handle);
    this.#handle = undefined;
  }
}
