// Owns loading the code that exists only while unlocked (key list, audit state, the words of due work and merges):
// started when "Unlock" or "Create vault" is pressed, so it loads while the key derivation runs (issue #7).

import { startLoad } from '../shared';

export type UnlockedParts = typeof import('../unlocked-parts');

/** A failure is LoadError. */
export const loadUnlockedParts = (): Promise<UnlockedParts> => startLoad(() => import('../unlocked-parts'));
