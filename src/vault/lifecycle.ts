// Owns the key lifecycle rules: legal state transitions (NIST SP 800-57), what each state allows, and due dates.

import { DUE_SOON_DAYS, type KeyState, type RotationPolicy } from './types';

export const DAY_MS = 86_400_000;

/**
 * Transitions a person may ask for. Destruction is not here: it happens only through a scheduled
 * destruction that has run its waiting period. "compromised" is left only by a rotation (→ active).
 */
const TRANSITIONS: Readonly<Record<KeyState, readonly KeyState[]>> = Object.freeze({
  'pre-activation': ['active', 'compromised'],
  active: ['suspended', 'deactivated', 'compromised'],
  suspended: ['active', 'deactivated', 'compromised'],
  deactivated: ['compromised'],
  compromised: [],
  destroyed: [],
});

export function allowedTransitions(state: KeyState): readonly KeyState[] {
  return TRANSITIONS[state];
}

export function isLegalTransition(from: KeyState, to: KeyState): boolean {
  return TRANSITIONS[from].includes(to);
}

export type KeyUse = 'reveal' | 'export-public' | 'rotate' | 'edit';

/**
 * What each state allows (NIST SP 800-57 §5.3.5 and §7): a suspended or pre-active key is not used;
 * deactivated and compromised keys may still process (reveal older material) but are not rotated,
 * except that a compromised key must be rotated to leave that state.
 */
export function stateAllows(state: KeyState, use: KeyUse, pendingDestruction: boolean): boolean {
  if (state === 'destroyed') return false;
  if (use === 'export-public' || use === 'edit') return true;
  if (pendingDestruction) return false;
  switch (use) {
    case 'reveal':
      return state === 'active' || state === 'deactivated' || state === 'compromised';
    case 'rotate':
      return state === 'active' || state === 'compromised';
  }
}

/** Exact days of 24 h: due instants do not move when the device changes time zone or the clocks change. */
export function addDays(ms: number, days: number): number {
  return ms + days * DAY_MS;
}

export function nextRotationAt(state: KeyState, policy: RotationPolicy, lastRotatedAt: number, compromisedAt: number | null): number | null {
  // A compromised key is due at once: the only way out of that state is a new version.
  if (state === 'compromised') return compromisedAt ?? lastRotatedAt;
  if (state !== 'active' || policy.periodDays === null) return null;
  return addDays(lastRotatedAt, policy.periodDays);
}

export type DueStatus = 'overdue' | 'due-soon' | 'ok' | 'none';

export function dueStatus(nextAt: number | null, now: number): DueStatus {
  if (nextAt === null) return 'none';
  if (now >= nextAt) return 'overdue';
  if (nextAt - now <= DUE_SOON_DAYS * DAY_MS) return 'due-soon';
  return 'ok';
}
