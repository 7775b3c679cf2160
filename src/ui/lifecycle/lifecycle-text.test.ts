import { describe, expect, it } from 'vitest';
import { allowedTransitions, KEY_STATES, type KeyEvent, type KeyId } from '../../vault';
import { actorName, countByState, dueLabel, dueWorkSentence, eventAction, eventTransition, STATE_LABELS, transitionLabel, usageNote } from './lifecycle-text';

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
    expect(usageNote({ state: 'active', destroyAt: 1 })).toMatch(/^Destruction is scheduled/);
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
});
