import { describe, expect, it } from 'vitest';
import { BACKUP_ERROR_WORDS, BackupError, VaultError, type BackupErrorCode, type VaultErrorCode } from '../../vault';
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
  'StorageFull',
  'ChangedElsewhere',
  'NewerVersion',
  'IllegalTransition',
  'KeyNotUsable',
  'Unsupported',
  'PasskeyRefused',
];

/** Every InvalidInput field the vault reports. */
const FIELDS = [
  'ownerName', 'password', 'name', 'value', 'format', 'tags', 'notes', 'autoLockMinutes', 'clipboardClearSeconds',
  'material', 'algorithm', 'rotation', 'activationAt', 'destructionDays', 'keepVersions', 'reason', 'oldestUsableVersion',
  'recipe', 'part', 'kind', 'userName', 'groupName', 'role', 'user', 'members', 'group', 'principal', 'permission',
  'passkeyName', 'credentialId',
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
    expect(errorMessage(new VaultError('ChangedElsewhere', 'x'))).toMatch(/^This was changed in another Keyward tab at the same moment, so nothing was saved here\./);
  });

  it('names the field for InvalidInput and PasswordTooShort', () => {
    expect(errorField(new VaultError('InvalidInput', 'x', { field: 'tags' }))).toBe('tags');
    expect(errorField(new VaultError('PasswordTooShort', 'x'))).toBe('password');
    expect(errorField(new VaultError('WrongPassword', 'x'))).toBeUndefined();
    expect(invalidInputMessage('tags')).toBe('Use at most 20 tags of up to 50 characters each, with no broken characters (shown as �).');
    expect(invalidInputMessage('somethingElse')).toBe('Check this entry and try again.');
  });

  it('never repeats the text of an unknown error (it might carry a secret)', () => {
    const message = errorMessage(new Error('value was hunter2-secret'));
    expect(message).not.toContain('hunter2');
    expect(errorMessage(new VaultError('Corrupt', 'hunter2-secret'))).not.toContain('hunter2');
  });

  it('has its own words for every field of the key lifecycle', () => {
    const generic = invalidInputMessage(undefined);
    for (const field of FIELDS) expect(invalidInputMessage(field), field).not.toBe(generic);
    expect(invalidInputMessage('rotation')).toBe('Choose a rotation period of 1 to 3,650 days, or no rotation.');
    expect(invalidInputMessage('destructionDays')).toBe('Choose a waiting period of 7 to 30 days.');
    expect(invalidInputMessage('keepVersions')).toBe('Keep from 1 to 100 versions.');
  });

  it('passes on the vault’s specific, secret-free reasons for lifecycle errors', () => {
    expect(errorMessage(new VaultError('InvalidInput', 'the PEM block is damaged (header, footer or base64 body)', { field: 'material' }))).toBe(
      'The PEM block is damaged (header, footer or base64 body).',
    );
    expect(errorMessage(new VaultError('KeyNotUsable', 'version 2 is retired (older than the oldest usable version 3)'))).toBe(
      'Version 2 is retired (older than the oldest usable version 3).',
    );
    expect(errorMessage(new VaultError('IllegalTransition', 'a compromised key cannot become active'))).toBe('A compromised key cannot become active.');
    expect(errorMessage(new VaultError('Unsupported', 'this browser cannot make Ed25519 keys'))).toMatch(
      /^This browser cannot make Ed25519 keys\. Choose another type/,
    );
    // Other fields never echo the vault's text.
    expect(errorMessage(new VaultError('InvalidInput', 'hunter2', { field: 'value' }))).not.toContain('hunter2');
  });

  it('shows the vault’s reasons for access-control refusals (issue #6)', () => {
    expect(errorMessage(new VaultError('InvalidInput', 'the vault must keep at least one admin', { field: 'user' }))).toBe('The vault must keep at least one admin.');
    expect(errorMessage(new VaultError('InvalidInput', 'this user is the only manager of 2 key(s): have them grant "manage" to someone first', { field: 'user' }))).toBe(
      'This user is the only manager of 2 key(s): have them grant "manage" to someone first.',
    );
    expect(errorMessage(new VaultError('InvalidInput', 'you cannot remove yourself; ask another admin', { field: 'user' }))).toBe('You cannot remove yourself; ask another admin.');
    expect(errorMessage(new VaultError('InvalidInput', 'someone must keep "manage" on this key', { field: 'principal' }))).toBe('Someone must keep "manage" on this key.');
    expect(errorMessage(new VaultError('InvalidInput', '', { field: 'role' }))).toBe(invalidInputMessage('role'));
    expect(errorMessage(new VaultError('AccessDenied', 'a member cannot manage users'))).toMatch(/recorded in the audit log/);
  });
});

describe('backup errors', () => {
  it('shows the backup words for every BackupError code, never the internal message', () => {
    for (const code of Object.keys(BACKUP_ERROR_WORDS) as BackupErrorCode[]) {
      expect(errorMessage(new BackupError(code, 'internal detail'))).toBe(BACKUP_ERROR_WORDS[code]);
    }
  });
});
