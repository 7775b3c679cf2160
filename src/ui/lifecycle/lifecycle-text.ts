// Owns the words of the key lifecycle: state names, the buttons that change state, due badges and history lines.

import type { DueStatus, DueWork, KeyEvent, KeyId, KeyState, KeySummary, KeyVersionInfo } from '../../vault';
import { SYSTEM_ACTOR } from '../../vault';

export const STATE_LABELS: Readonly<Record<KeyState, string>> = Object.freeze({
  'pre-activation': 'Pre-activation',
  active: 'Active',
  suspended: 'Suspended',
  deactivated: 'Deactivated',
  compromised: 'Compromised',
  destroyed: 'Destroyed',
});

/** The button that moves a key from `from` to `to` (only legal transitions are offered). */
export function transitionLabel(from: KeyState, to: KeyState): string {
  switch (to) {
    case 'active':
      return from === 'pre-activation' ? 'Activate now' : 'Reactivate';
    case 'suspended':
      return 'Suspend';
    case 'deactivated':
      return 'Deactivate';
    case 'compromised':
      return 'Mark compromised';
    case 'pre-activation':
      return 'Make pre-active';
    case 'destroyed':
      return 'Destroy';
  }
}

/** A badge for a due date; '' when nothing is due (no badge). */
export function dueLabel(status: DueStatus): string {
  switch (status) {
    case 'overdue':
      return 'Overdue';
    case 'due-soon':
      return 'Due soon';
    case 'ok':
    case 'none':
      return '';
  }
}

export const VERSION_STATUS_LABELS: Readonly<Record<KeyVersionInfo['status'], string>> = Object.freeze({
  current: 'Current',
  usable: 'Usable',
  retired: 'Retired',
  destroyed: 'Destroyed',
});

export const ORIGIN_LABELS: Readonly<Record<KeyVersionInfo['origin'], string>> = Object.freeze({
  generated: 'Generated',
  imported: 'Imported',
});

/** What happened, in a few words: "Rotated to version 3", "State: Active → Suspended"… */
export function eventAction(event: KeyEvent): string {
  switch (event.action) {
    case 'created':
      return event.version !== undefined ? `Created (version ${event.version})` : 'Created';
    case 'rotated':
      return event.version !== undefined ? `Rotated to version ${event.version}` : 'Rotated';
    case 'state':
      return 'State changed';
    case 'policy':
      return 'Rotation policy changed';
    case 'destruction-scheduled':
      return 'Destruction scheduled';
    case 'destruction-cancelled':
      return 'Destruction cancelled';
    case 'destroyed':
      return 'Destroyed';
    case 'versions-trimmed':
      return event.version !== undefined ? `Versions up to ${event.version} destroyed` : 'Older versions destroyed';
    case 'oldest-usable':
      return event.version !== undefined ? `Oldest usable version set to ${event.version}` : 'Oldest usable version changed';
  }
}

/** "Active → Suspended", "→ Active" or '' when the event moved no state. */
export function eventTransition(event: KeyEvent): string {
  if (event.to === undefined) return '';
  const to = STATE_LABELS[event.to];
  return event.from === undefined ? `→ ${to}` : `${STATE_LABELS[event.from]} → ${to}`;
}

/** The signed-in person's own events carry their name; anyone else's are not named here. */
export function actorName(actor: string, me: { id: string; name: string }): string {
  if (actor === SYSTEM_ACTOR) return 'Keyward (automatic)';
  return actor === me.id ? me.name : 'another user';
}

/** How many key records are in each state, in the order of KEY_STATES. */
export function countByState(keys: readonly Pick<KeySummary, 'state'>[], states: readonly KeyState[]): { state: KeyState; label: string; count: number }[] {
  return states.map((state) => ({ state, label: STATE_LABELS[state], count: keys.filter((key) => key.state === state).length }));
}

/** Why some actions are off for this key right now, where no banner says it; '' when there is nothing to add. */
export function usageNote(key: Pick<KeySummary, 'state' | 'destroyAt'>): string {
  // Destroyed, destruction scheduled and compromised keys have a banner at the top of the page that says it once.
  if (key.state === 'destroyed' || key.destroyAt !== null) return '';
  switch (key.state) {
    case 'pre-activation':
      return 'Pre-active: the key is not to be used until it is activated.';
    case 'suspended':
      return 'Suspended: reactivate the key to reveal, copy or rotate it.';
    case 'deactivated':
      return 'Deactivated: the key can still be revealed to process old data, but it is no longer rotated.';
    case 'compromised':
      // The banner says it (compromisedAdvice), once.
      return '';
    case 'active':
      return '';
  }
}

/** The compromised banner's first line: "Compromised: <reason>" with no doubled stop after a reason that ends in one. */
export function compromisedTitle(reason: string | null | undefined): string {
  const said = reason?.trim() ?? '';
  if (said === '') return 'Compromised.';
  return /[.!?…]$/.test(said) ? `Compromised: ${said}` : `Compromised: ${said}.`;
}

/**
 * What to do about a compromised key, said once (the banner), and only what this person can do: rotate it when they
 * may and its state allows, otherwise who can.
 */
export function compromisedAdvice(can: { rotate: boolean; rotateNow: boolean }): string {
  if (can.rotate && can.rotateNow) return 'Rotate it to a new version to use it again; older versions stay readable for old data.';
  if (can.rotate) return 'It can be rotated again once destruction is cancelled.';
  return 'Someone who may rotate this key has to give it a new version before it is used again.';
}

/** The destruction dialog's hint: the allowed range, and the date a valid waiting period would destroy on. */
export function destructionHint(range: { minDays: number; maxDays: number }, destroysOn: string | null): string {
  const allowed = `Choose ${range.minDays} to ${range.maxDays} days.`;
  return destroysOn === null ? allowed : `The key would be destroyed on ${destroysOn}. ${allowed}`;
}

/** The question before copying a compromised key's value. */
export function copyCompromisedQuestion(name: string, reason: string | null | undefined): string {
  const why = reason?.trim() ? ` (${reason.trim().replace(/[.!?…]+$/, '')})` : '';
  return `${name} is compromised${why}. Copy its value anyway? Whatever you paste it into trusts a value others may know; rotate it first if you can.`;
}

/** The line under the actions after "Mark compromised": what happened, no advice (the banner has it). */
export function compromisedDone(rotatedTo: number | null): string {
  return rotatedTo === null ? 'Marked compromised.' : `Marked compromised and rotated: version ${rotatedTo} is current.`;
}

/** "Rotated automatically: deploy key. Destroyed as scheduled: old token." — '' when nothing happened. */
export function dueWorkSentence(done: DueWork, nameOf: (id: KeyId) => string | undefined): string {
  const names = (ids: readonly KeyId[]) => ids.map((id) => nameOf(id) ?? 'a key').join(', ');
  const parts: string[] = [];
  if (done.rotated.length > 0) parts.push(`Rotated automatically: ${names(done.rotated)}.`);
  if (done.destroyed.length > 0) parts.push(`Destroyed as scheduled: ${names(done.destroyed)}.`);
  if (done.activated.length > 0) parts.push(`Activated as scheduled: ${names(done.activated)}.`);
  return parts.join(' ');
}
