// Tests for ledger-text.ts: the alert for a broken or mismatched ledger and the first sign-in notice, in plain words.

import { describe, expect, it } from 'vitest';
import { firstSignInText, FIRST_SIGN_IN_DAYS, ledgerText } from './ledger-text';

describe('ledgerText', () => {
  it('says nothing when all is well', () => {
    expect(ledgerText({ problem: null, mismatched: [] })).toBe('');
  });
  it('names the entry and the reason of a ledger that did not verify, and what still works', () => {
    const text = ledgerText({ problem: { seq: 7, why: 'only an admin changes roles' }, mismatched: [] });
    expect(text).toContain('entry 7: only an admin changes roles');
    expect(text).toContain('Your keys still open');
    expect(text).toContain('restored from a backup');
  });
  it('counts rows the ledger does not back, singular and plural', () => {
    expect(ledgerText({ problem: null, mismatched: [{ store: 'users', id: 'a', why: 'x' }] })).toMatch(/^1 user or group record in this browser does not match .*: it was changed outside Keyward\. .*ignores it\.$/);
    expect(ledgerText({ problem: null, mismatched: [{ store: 'users', id: 'a', why: 'x' }, { store: 'groups', id: 'b', why: 'y' }] })).toMatch(/^2 user or group records in this browser do not match.*ignores them\.$/);
  });
});

describe('firstSignInText', () => {
  const at = Date.UTC(2026, 11, 1, 9, 30);
  it('tells when and from what client, for the first days', () => {
    const text = firstSignInText({ at, client: 'Chrome 156 on Linux' }, at + 86_400_000);
    expect(text).toContain('from Chrome 156 on Linux');
    expect(text).toContain('If that was not you');
  });
  it('is quiet without a first sign-in, and after the notice period', () => {
    expect(firstSignInText(null, at)).toBe('');
    expect(firstSignInText({ at, client: 'x' }, at + (FIRST_SIGN_IN_DAYS + 1) * 86_400_000)).toBe('');
  });
});
