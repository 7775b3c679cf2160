import { describe, expect, it } from 'vitest';
import { VaultError, type VaultErrorCode } from '../vault';
import { codeMessage, errorField, errorMessage, invalidInputMessage } from './messages';

const CODES: VaultErrorCode[] = [
  'WrongPassword',
  'PasswordTooShort',
  'VaultExists',
  'NoVault',
  'Locked',
  'NotFound',
  'InvalidInput',
  'Corrupt',
  'StorageFailed',
  'NoStorage',
];

describe('messages', () => {
  it('has plain words for every code', () => {
    for (const code of CODES) expect(codeMessage(code).length).toBeGreaterThan(10);
  });

  it('says the exact sentences the screens promise', () => {
    expect(errorMessage(new VaultError('WrongPassword', 'x'))).toBe('That password does not open this vault.');
    expect(errorMessage(new VaultError('PasswordTooShort', 'x'))).toBe('Use at least 10 characters.');
    expect(errorMessage(new VaultError('StorageFailed', 'x'))).toMatch(/^Your browser refused to save\. Nothing was changed\./);
    expect(errorMessage(new VaultError('NoStorage', 'x'))).toMatch(/^This browser offers no storage \(IndexedDB\) here/);
  });

  it('names the field for InvalidInput and PasswordTooShort', () => {
    expect(errorField(new VaultError('InvalidInput', 'x', { field: 'tags' }))).toBe('tags');
    expect(errorField(new VaultError('PasswordTooShort', 'x'))).toBe('password');
    expect(errorField(new VaultError('WrongPassword', 'x'))).toBeUndefined();
    expect(invalidInputMessage('tags')).toBe('Use at most 20 tags of up to 50 characters each.');
    expect(invalidInputMessage('somethingElse')).toBe('Check this entry and try again.');
  });

  it('never repeats the text of an unknown error (it might carry a secret)', () => {
    const message = errorMessage(new Error('value was hunter2-secret'));
    expect(message).not.toContain('hunter2');
    expect(errorMessage(new VaultError('Corrupt', 'hunter2-secret'))).not.toContain('hunter2');
  });
});
