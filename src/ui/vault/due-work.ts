// Owns the work that falls due with time while unlocked: one run after the list is on screen, then every minute,
// one at a time per session, and one sentence saying what it did by itself.

import { VaultError, type Session } from '../../vault';
import type { KeysState } from '../keys';
import { errorMessage } from '../shared';
import type { Notices } from './notices.svelte';
import type { UnlockedParts } from './unlocked';

/** Activations, automatic rotations and scheduled destructions are run this often while unlocked. */
export const DUE_WORK_INTERVAL_MS = 60_000;

export interface DueWorkHost {
  session(): Session | null;
  keys(): KeysState | null;
  parts(): UnlockedParts | null;
  notices: Notices;
  /** After each run (a change may make a backup due). */
  afterRun(): Promise<void>;
}

/** Resolves once the next frame has painted; at most ~100 ms later where no frame comes (a hidden tab, tests). */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    if (typeof requestAnimationFrame === 'function') {
      requestAnimationFrame(() => setTimeout(() => (clearTimeout(timer), resolve()), 0));
    }
  });
}

export class DueWorkRunner {
  readonly #host: DueWorkHost;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** The session a run is going for (one run at a time per session). */
  #runningFor: Session | null = null;

  constructor(host: DueWorkHost) {
    this.#host = host;
  }

  /** Once the list is on screen (it must not wait for this), then every minute while unlocked; stop() ends it. */
  start(keys: KeysState): void {
    this.stop();
    void keys.whenLoaded().then(afterPaint).then(() => this.run());
    this.#timer = setInterval(() => void this.run(), DUE_WORK_INTERVAL_MS);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Runs the work that falls due with time (activations, automatic rotations, destructions whose wait ended),
   * refreshes the list and says in one sentence what happened. Never rejects; one run at a time.
   */
  async run(): Promise<void> {
    const host = this.#host;
    const session = host.session();
    const keys = host.keys();
    const parts = host.parts();
    if (session === null || keys === null || parts === null || this.#runningFor === session) return;
    this.#runningFor = session;
    try {
      const done = await session.lifecycle.runDueWork();
      if (host.session() !== session) return;
      // Nothing done (the usual minute): only the due badges move on. Re-reading every key would rebuild the
      // list, its order and its search index for nothing (issue #7: 10,000 keys).
      if (done.activated.length + done.rotated.length + done.destroyed.length > 0) await keys.refresh();
      else keys.tick();
      const sentence = parts.dueWorkSentence(done, (id) => keys.keys.find((key) => key.id === id)?.name);
      if (sentence !== '') host.notices.sayDue(sentence);
      await host.afterRun();
    } catch (error) {
      // A lock during the run is not a problem to report.
      if (host.session() === session && !(error instanceof VaultError && error.code === 'Locked')) {
        host.notices.sayDue(`Scheduled key work could not run: ${errorMessage(error)}`);
      }
    } finally {
      if (this.#runningFor === session) this.#runningFor = null;
    }
  }
}
