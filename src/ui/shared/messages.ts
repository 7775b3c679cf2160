// Owns every sentence the UI shows about a problem: the one place that turns a VaultErrorCode (+ field) into words.
// ARCHITECTURE §5.3 and §5.5: branch on error.code, never on error.message, and never echo input back (it may be a secret).

import {
  BACKUP_ERROR_WORDS,
  BackupError,
  DESTRUCTION_WAIT,
  isVaultError,
  KEEP_VERSIONS,
  LIMITS,
  MIN_PASSWORD_LENGTH,
  ROTATION_BOUNDS,
  SETTINGS_BOUNDS,
  type VaultErrorCode,
} from '../../vault';
import { LoadError } from './lazy';

const grouped = new Intl.NumberFormat('en-US');

/** Words for an InvalidInput error on one field; `field` is VaultError.field. */
export function invalidInputMessage(field: string | undefined): string {
  switch (field) {
    case 'ownerName':
      return 'Enter your name.';
    case 'password':
      return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
    case 'name':
      return `Give the key a name of 1 to ${grouped.format(LIMITS.nameMaxChars)} characters, with no broken characters (shown as �).`;
    case 'value':
      return `Enter a value of at most ${grouped.format(LIMITS.valueMaxBytes / 1024)} KB that is valid for the chosen format, with no broken characters (shown as �).`;
    case 'format':
      // Also a generated value whose format was changed away from the generator's encoding, and PEM for a symmetric key.
      return 'Choose one of the listed formats. A generated value keeps the encoding it was generated in; symmetric keys export as JWK only.';
    case 'tags':
      return `Use at most ${LIMITS.tagsMax} tags of up to ${LIMITS.tagMaxChars} characters each, with no broken characters (shown as �).`;
    case 'notes':
      return `Keep notes to ${grouped.format(LIMITS.notesMaxChars)} characters or fewer, with no broken characters (shown as �).`;
    case 'autoLockMinutes':
      return `Choose from ${SETTINGS_BOUNDS.autoLockMinutes.min} to ${grouped.format(SETTINGS_BOUNDS.autoLockMinutes.max)} minutes.`;
    case 'clipboardClearSeconds':
      return `Choose from ${SETTINGS_BOUNDS.clipboardClearSeconds.min} to ${SETTINGS_BOUNDS.clipboardClearSeconds.max} seconds.`;
    case 'material':
      // The vault's own sentence is shown for this field (see errorMessage); this one stands in when there is none.
      return 'Paste the key as PEM, JWK, hex or base64, of the chosen type and size.';
    case 'algorithm':
      return 'Choose one of the listed key types.';
    case 'rotation':
      return `Choose a rotation period of ${ROTATION_BOUNDS.minDays} to ${grouped.format(ROTATION_BOUNDS.maxDays)} days, or no rotation.`;
    case 'activationAt':
      return 'Enter a valid activation date and time, or leave it empty to activate the key now.';
    case 'destructionDays':
      return `Choose a waiting period of ${DESTRUCTION_WAIT.minDays} to ${DESTRUCTION_WAIT.maxDays} days.`;
    case 'keepVersions':
      return `Keep from ${KEEP_VERSIONS.min} to ${KEEP_VERSIONS.max} versions.`;
    case 'reason':
      return `Say why the key is compromised, in at most ${LIMITS.reasonMaxChars} characters, with no broken characters (shown as �).`;
    case 'oldestUsableVersion':
      return 'Choose a version from 1 to the current version.';
    case 'recipe':
      return 'The generator settings are not valid. Generate the value again.';
    case 'part':
      return 'This key has no such part to export.';
    case 'kind':
      return 'That does not apply to this kind of key: secrets are revealed, typed keys are exported.';
    case 'before':
    case 'throughSeq':
      return ARCHIVE_WORDS.nothingBefore;
    case 'archive':
      return 'The log changed since that archive was made, so nothing was trimmed. Download a new archive.';
    case 'userName':
      return 'A user of that name exists already: choose another name.';
    case 'passkeyName':
      return 'Give the passkey a name of 1 to 64 characters.';
    case 'credentialId':
      return 'The browser gave back no usable passkey. Try again, or use another passkey or security key.';
    case 'groupName':
      return 'Give the group a name of 1 to 100 characters that no other group has.';
    // The next fields stand in when the vault gives no reason (errorMessage shows the vault's own sentence for them).
    case 'role':
      return 'That role cannot be given to this user.';
    case 'user':
      return 'This user cannot be removed.';
    case 'members':
      return 'That membership change is not possible.';
    case 'group':
      return 'This group cannot be deleted while it holds grants: revoke them first.';
    case 'principal':
      return 'Choose another user or group.';
    case 'permission':
      return 'Choose one of the listed access levels (an auditor can be granted "View" only).';
    default:
      return 'Check this entry and try again.';
  }
}

/** Words for a vault error code. */
export function codeMessage(code: VaultErrorCode, field?: string): string {
  switch (code) {
    case 'WrongPassword':
      // One message for every failure, no hint which part was wrong.
      return 'That password does not open this vault.';
    case 'PasswordTooShort':
      return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
    case 'VaultExists':
      return 'A vault already exists in this browser. Reload the page to unlock it.';
    case 'NoVault':
      return "There is no vault in this browser's storage. Reload the page to start a new one.";
    case 'Locked':
      return 'The vault is locked. Unlock it to continue.';
    case 'NotFound':
      return 'That key no longer exists. It may have been deleted in another tab.';
    case 'InvalidInput':
      return invalidInputMessage(field);
    case 'Corrupt':
      return 'Stored data could not be read: it is damaged or was changed outside Keyward. Nothing was changed. Restore from a backup file.';
    case 'StorageFailed':
      return "Your browser refused to save. Nothing was changed. Free some disk space or check this site's storage settings, then try again.";
    case 'ChangedElsewhere':
      return 'This was changed in another Keyward tab at the same moment, so nothing was saved here. Check it as it is now, then try again.';
    case 'StorageFull':
      return "Your device's storage for this site is full, so nothing was saved and nothing was changed. Free disk space (or clear other sites' data), then try again. Export a backup as soon as you can.";
    case 'NewerVersion':
      return 'A newer version of Keyward has updated this browser’s vault. Reload the page to use it.';
    case 'NoStorage':
      return 'This browser offers no storage (IndexedDB) here — private browsing may block it. Open Keyward in a normal window or another browser to keep a vault.';
    case 'IllegalTransition':
      return 'That change is not allowed for a key in this state.';
    case 'KeyNotUsable':
      return 'This key cannot be used in its current state.';
    case 'Unsupported':
      return 'This browser cannot make or use this key type (Ed25519 needs a recent browser). Choose another type, or use a current Chrome, Edge, Firefox or Safari.';
    case 'AccessDenied':
      return 'You do not have access to do that. Ask an admin or the key\'s manager for a grant. The refusal was recorded in the audit log.';
    case 'PasswordChangeRequired':
      return 'Choose your own password first: the one you were given works only once.';
    case 'PasskeyRefused':
      // Like a wrong password: one message, no hint which part did not match.
      return 'That passkey does not unlock this vault. Use your password, or another passkey.';
  }
}

/**
 * Access-control refusals whose reason the vault states itself (issue #6): "the vault must keep at least one admin",
 * "this user is the only manager of 2 key(s)…", "you cannot revoke your own grant". The vault builds these from counts
 * and fixed words, never from input, so they are shown as they are.
 */
const VAULT_WORDED_FIELDS: ReadonlySet<string> = new Set(['role', 'user', 'members', 'group', 'principal', 'permission', 'userName', 'groupName']);

/** Words for anything thrown at the UI. Unknown errors get a generic sentence: their text might carry input. */
export function errorMessage(error: unknown): string {
  // Code that loads on demand (issue #7) could not be fetched.
  if (error instanceof LoadError) return LOAD_MESSAGES.failed;
  // A backup file's problem: the same words as `npm run decrypt-backup` prints (vault/backup-file.ts).
  if (error instanceof BackupError) return BACKUP_ERROR_WORDS[error.code];
  if (isVaultError(error)) {
    // These codes carry a specific, secret-free reason from the vault ("version 2 is retired", "a suspended key cannot
    // become deactivated", "this RSA key has 2048 bits, not 4096"): the vault never puts input or material in them.
    if (error.code === 'IllegalTransition' || error.code === 'KeyNotUsable' || (error.code === 'InvalidInput' && error.field === 'material')) return sentence(error.message);
    if (error.code === 'InvalidInput' && error.field !== undefined && VAULT_WORDED_FIELDS.has(error.field) && error.message.trim() !== '') return sentence(error.message);
    // "this browser cannot make Ed25519 keys": names the type, then what to do.
    if (error.code === 'Unsupported') return `${sentence(error.message)} Choose another type, or use a current Chrome, Edge, Firefox or Safari.`;
    return codeMessage(error.code, error.field);
  }
  return 'Something went wrong. Nothing was changed. Try again; if it keeps happening, reload the page.';
}

/** The field an error belongs to, when it belongs to one (InvalidInput and PasswordTooShort). */
export function errorField(error: unknown): string | undefined {
  if (!isVaultError(error)) return undefined;
  if (error.code === 'PasswordTooShort') return 'password';
  if (error.code === 'InvalidInput') return error.field;
  return undefined;
}

/** Sentences about other tabs of Keyward in this browser. */
export const TAB_MESSAGES = Object.freeze({
  lockedElsewhere: 'Locked in another Keyward tab.',
  rekeyedElsewhere: 'Locked: another Keyward tab changed the keys protecting this vault (a new password, a new user key or a restored backup), so this tab saves nothing more. Unlock again.',
  newerVersion: 'Keyward was updated in another tab, so this page stopped using the vault to let the update finish. Reload the page to continue. Nothing was lost.',
  databaseDeleted: 'This browser’s Keyward storage is being deleted (by the browser, or from another tab), so this page let go of it. Reload the page to continue.',
  connectionLost: 'The browser closed this page’s access to the vault (its storage was cleared or failed). Reload the page to continue.',
  reloadTitle: 'Reload to continue',
  reloadButton: 'Reload',
});

/** A part of the app that loads on demand could not be fetched (lazy.ts): what a screen shows instead of nothing. */
export const LOAD_MESSAGES = Object.freeze({
  title: 'Part of Keyward did not load',
  failed: 'A part of Keyward could not be loaded, perhaps because the connection dropped before the app was saved for offline use. Nothing was changed. Reload the page to try again.',
  reload: 'Reload',
  /** While the app looks for a vault: there may be none yet (first run), so it does not say "your vault". */
  starting: 'Starting Keyward…',
  /** While the vault screen's code loads after an unlock (or after a new vault's first sign-in). */
  opening: 'Opening your vault…',
  /** While a new user's "choose your own password" screen loads. */
  openingPassword: 'One moment…',
});

/** Sentences for checks the UI makes itself before it calls the vault. */
export const FORM_MESSAGES = Object.freeze({
  ownerNameRequired: 'Enter your name.',
  passwordTooShort: `Use at least ${MIN_PASSWORD_LENGTH} characters.`,
  passwordMismatch: 'The passwords do not match.',
  passwordRequired: 'Enter your password.',
  keyNameRequired: 'Give the key a name.',
  keyValueRequired: 'Enter a value, or use Generate.',
  clipboardRefused: 'The browser refused to copy. Reveal the value and copy it by hand.',
  keyMaterialRequired: 'Paste the key as PEM, JWK, hex or base64.',
  newValueRequired: 'Enter the new value.',
  reasonRequired: 'Say why the key is compromised.',
  currentPasswordRequired: 'Enter your current password.',
  newPasswordMismatch: 'The new passwords do not match.',
  weakPassword: 'Weak password: someone who gets a copy of this browser’s data could guess it.',
  backupFileRequired: 'Choose a backup file.',
  backupFileUnreadable: 'The file could not be read. Choose it again.',
  backupPasswordRequired: 'Enter the backup password.',
  backupPasswordMismatch: 'The backup passwords do not match.',
  vaultPasswordRequired: 'Enter your vault password.',
  backupVaultPasswordRequired: 'Enter the vault password the backup was made with.',
  backupVaultPasswordWrong: 'That password does not open the vault in the backup. Use the vault password you had when the backup was made.',
  dateInvalid: 'Enter a date, or leave the field empty.',
  dateOrder: '“To” must not be before “From”.',
  userRequired: 'Choose who you are.',
  userNameRequired: 'Enter the person’s name.',
  userNameInvalid: 'Enter a name of 1 to 100 characters.',
  oneTimePasswordRequired: `Give them a one-time password of at least ${MIN_PASSWORD_LENGTH} characters.`,
  newPasswordSameAsGiven: 'Choose a password other than the one you were given.',
  groupNameRequired: 'Give the group a name.',
  granteeRequired: 'Choose a user or a group.',
});

/** "Archive and trim" on the Audit screen (docs/AUDIT.md §6): every sentence of its dialog. */
export const ARCHIVE_WORDS = Object.freeze({
  open: 'Archive and trim',
  title: 'Archive and trim the audit log',
  lead: 'Old entries can leave this browser’s log, but never silently: they are first saved to a signed archive file that anyone can check with “npm run verify-audit”, and only then removed. A checkpoint entry keeps the rest of the log verifiable.',
  dateLabel: 'Trim entries before',
  dateHint: 'Entries from before this day (in your time zone) are archived and trimmed. The newest entry always stays.',
  dateRequired: 'Choose a date: entries before it are archived, then trimmed.',
  dateInvalid: 'Enter a date, for example 2026-01-31.',
  nothingBefore: 'No entry before that date can be trimmed. The newest entry always stays.',
  planning: 'Counting entries…',
  plan: (count: number, fromSeq: number, throughSeq: number, firstAt: string, lastAt: string) =>
    `${entries(count)} (${fromSeq}–${throughSeq}, ${firstAt} to ${lastAt}) will be saved to an archive file, then removed from this log.`,
  download: 'Download archive',
  downloading: 'Making the archive…',
  downloadAgain: 'Download archive again',
  saved: (filename: string, count: number) => `Archive of ${entries(count)} downloaded as ${filename}.`,
  keepIt: 'Keep that file somewhere safe: after trimming it is the only copy of these entries. Nothing is trimmed until you press the button below.',
  trim: (count: number) => `Trim ${entries(count)}`,
  trimming: 'Trimming…',
  cancel: 'Cancel',
  close: 'Close',
  done: (count: number, fromSeq: number, throughSeq: number, filename: string) =>
    `Trimmed ${entries(count)} (${fromSeq}–${throughSeq}); they are in ${filename}. A checkpoint entry keeps the log verifiable.`,
  broken: 'The audit log is broken, so nothing was archived or trimmed. Use “Verify log” to see where.',
});

function entries(count: number): string {
  return `${grouped.format(count)} ${count === 1 ? 'entry' : 'entries'}`;
}

/** Strength score (0–4 from zxcvbn) as words. */
export const STRENGTH_WORDS = Object.freeze(['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const);

function sentence(text: string): string {
  const t = text.trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}
