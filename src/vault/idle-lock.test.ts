import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../test/unit/helpers';
import { IdleLock } from './idle-lock';

/** Timers that run only when the test says so, like a throttled background tab. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; at: number }>();
  let next = 1;
  return {
    setTimer: (fn: () => void, ms: number) => {
      pending.set(next, { fn, at: ms });
      return next++;
    },
    clearTimer: (h: unknown) => void pending.delete(h as number),
    fireAll() {
      const due = [...pending.values()];
      pending.clear();
      for (const t of due) t.fn();
    },
    get count() {
      return pending.size;
    },
    get lastDelay() {
      return [...pending.values()].at(-1)?.at;
    },
  };
}

const MIN = 60_000;

describe('IdleLock', () => {
  it('fires once after the timeout without activity', () => {
    const clock = new FakeClock();
    const timers = manualTimers();
    const onIdle = vi.fn();
    const lock = new IdleLock({ timeoutMs: 15 * MIN, onIdle, clock, ...timers });
    lock.start();
    for (let i = 0; i < 14; i++) {
      clock.advance(MIN);
      timers.fireAll();
    }
    expect(onIdle).not.toHaveBeenCalled();
    clock.advance(MIN);
    timers.fireAll();
    expect(onIdle).toHaveBeenCalledOnce();
    expect(lock.running).toBe(false);
    clock.advance(60 * MIN);
    timers.fireAll();
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('activity pushes the deadline out by the full timeout', () => {
    const clock = new FakeClock();
    const timers = manualTimers();
    const onIdle = vi.fn();
    const lock = new IdleLock({ timeoutMs: 10 * MIN, onIdle, clock, ...timers });
    lock.start();
    clock.advance(9 * MIN);
    lock.touch();
    clock.advance(9 * MIN);
    lock.check();
    expect(onIdle).not.toHaveBeenCalled();
    clock.advance(MIN);
    lock.check();
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('locks at once on return to a hidden tab whose timers never ran', () => {
    const clock = new FakeClock();
    const timers = manualTimers();
    const onIdle = vi.fn();
    const lock = new IdleLock({ timeoutMs: 15 * MIN, onIdle, clock, ...timers });
    lock.start();
    clock.advance(3 * 60 * MIN); // laptop lid closed, no timer fired
    lock.check(); // visibilitychange
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('never trusts one long timer: it re-checks the clock at least every minute', () => {
    const timers = manualTimers();
    const lock = new IdleLock({ timeoutMs: 1440 * MIN, onIdle: () => {}, clock: new FakeClock(), ...timers });
    lock.start();
    expect(timers.lastDelay).toBe(MIN);
  });

  it('does nothing when stopped and applies a new timeout from now', () => {
    const clock = new FakeClock();
    const timers = manualTimers();
    const onIdle = vi.fn();
    const lock = new IdleLock({ timeoutMs: 15 * MIN, onIdle, clock, ...timers });
    lock.start();
    lock.stop();
    expect(timers.count).toBe(0);
    clock.advance(20 * MIN);
    lock.check();
    lock.touch();
    expect(onIdle).not.toHaveBeenCalled();
    lock.start();
    lock.setTimeoutMs(MIN);
    clock.advance(MIN);
    lock.check();
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it.each([0, -1, Number.NaN, Infinity])('refuses timeoutMs %s', (ms) => {
    expect(() => new IdleLock({ timeoutMs: ms, onIdle: () => {} })).toThrow(/timeoutMs/);
  });
});
