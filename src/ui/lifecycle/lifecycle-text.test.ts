import { describe, expect, it } from 'vitest';
import { allowedTransitions, KEY_STATES, type KeyEvent, type KeyId } from '../../vault';
import { actorName, compromisedAdvice, copyCompromisedQuestion, compromisedDone, compromisedTitle, countByState, destructionHint, dueLabel, dueWorkSentence, eventAction, eventTransition, STATE_LABELS, transitionLabel, usageNote } from './lifecycle-text';

describe('lifecycle words', () => {
  it('names every state and every legal transition', () => {
    for (const state of KEY_STATES) {
      expect(STATE_LABELS[state].length).toBeGreaterThan(0);
      for (const to of allowedTransitions(state)) expect(transitionLabel(state, to).length).toBeGreaterThan(0);
    }
    expect(transitionLabel('pre-activation', 'active')).toBe('Activate now');
    expect(transitionLabel('suspended', 'active')).toBe('Reactivate');
    expect(transitionLabel('active', 'suspended')).toBe('Suspend');
    expect(transitionLabel('active', 'deactivated')).toBe('Deactivate');
    expect(transitionLabel('active', 'compromised')).toBe('Mark compromised');
  });

  it('has a badge only for keys due soon or overdue', () => {
    expect(dueLabel('overdue')).toBe('Overdue');
    expect(dueLabel('due-soon')).toBe('Due soon');
    expect(dueLabel('ok')).toBe('');
    expect(dueLabel('none')).toBe('');
  });

  it('writes history lines, naming only the signed-in person', () => {
    const me = { id: 'u1', name: 'Ada Lovelace' };
    const event: KeyEvent = { at: 0, actor: 'u1', action: 'state', from: 'active', to: 'compromised', reason: 'leaked' };
    expect(eventAction(event)).toBe('State changed');
    expect(eventTransition(event)).toBe('Active → Compromised');
    expect(eventTransition({ at: 0, actor: 'u1', action: 'created', to: 'active', version: 1 })).toBe('→ Active');
    expect(eventTransition({ at: 0, actor: 'u1', action: 'policy' })).toBe('');
    expect(eventAction({ at: 0, actor: 'u1', action: 'rotated', version: 3 })).toBe('Rotated to version 3');
    expect(actorName('u1', me)).toBe('Ada Lovelace');
    expect(actorName('u2', me)).toBe('another user');
  });

  it('counts keys by state, zeros included', () => {
    const counts = countByState([{ state: 'active' }, { state: 'active' }, { state: 'suspended' }], KEY_STATES);
    expect(counts.map((c) => `${c.label} ${c.count}`)).toEqual(['Pre-activation 0', 'Active 2', 'Suspended 1', 'Deactivated 0', 'Compromised 0', 'Destroyed 0']);
  });

  it('says why actions are off', () => {
    expect(usageNote({ state: 'active', destroyAt: null })).toBe('');
    // The page's banners say these once; the note does not repeat them (issue #17).
    expect(usageNote({ state: 'active', destroyAt: 1 })).toBe('');
    expect(usageNote({ state: 'destroyed', destroyAt: null })).toBe('');
    expect(usageNote({ state: 'suspended', destroyAt: null })).toMatch(/^Suspended/);
  });

  it('tells in one sentence what scheduled work did', () => {
    const names: Record<string, string> = { a: 'deploy key', b: 'old token' };
    const nameOf = (id: KeyId) => names[id];
    expect(dueWorkSentence({ activated: [], rotated: [], destroyed: [] }, nameOf)).toBe('');
    expect(dueWorkSentence({ activated: [], rotated: ['a' as KeyId], destroyed: ['b' as KeyId, 'c' as KeyId] }, nameOf)).toBe(
      'Rotated automatically: deploy key. Destroyed as scheduled: old token, a key.',
    );
  });

  it('words a compromised key once: the reason without a doubled stop, advice only for who can act', () => {
    expect(compromisedTitle('Leaked in a CI log (alert).')).toBe('Compromised: Leaked in a CI log (alert).');
    expect(compromisedTitle('pasted into a public chat')).toBe('Compromised: pasted into a public chat.');
    expect(compromisedTitle(null)).toBe('Compromised.');
    expect(compromisedAdvice({ rotate: true, rotateNow: true })).toMatch(/^Rotate it/);
    expect(compromisedAdvice({ rotate: true, rotateNow: false })).not.toMatch(/^Rotate/);
    expect(compromisedAdvice({ rotate: false, rotateNow: true })).toMatch(/^Someone who may rotate/);
    expect(usageNote({ state: 'compromised', destroyAt: null })).toBe('');
    expect(compromisedDone(null)).toBe('Marked compromised.');
    expect(copyCompromisedQuestion('Deploy token', 'leaked in CI.')).toBe(
      'Deploy token is compromised (leaked in CI). Copy its value anyway? Whatever you paste it into trusts a value others may know; rotate it first if you can.',
    );
    expect(compromisedDone(3)).toBe('Marked compromised and rotated: version 3 is current.');
  });

  it('says the destruction range and date in whole sentences', () => {
    expect(destructionHint({ minDays: 7, maxDays: 30 }, null)).toBe('Choose 7 to 30 days.');
    expect(destructionHint({ minDays: 7, maxDays: 30 }, '1/7/2027, 3:59 PM')).toBe('The key would be destroyed on 1/7/2027, 3:59 PM. Choose 7 to 30 days.');
  });
});
