// Owns every sentence the UI shows about a problem: the one place that turns a VaultErrorCode (+ field) into words.
// ARCHITECTURE §5.3 and §5.5: branch on error.code, never on error.message, and never echo input back (it may be a secret).

import { isVaultError, LIMITS, MIN_PASSWORD_LENGTH, SETTINGS_BOUNDS, type VaultErrorCode } from '../vault';

const grouped = new Intl.NumberFormat('en-US');

/** Words for an InvalidInput error on one field; `field` is VaultError.field. */
export function invalidInputMessage(field: string | undefined): string {
  switch (field) {
    case 'ownerName':
      return 'Enter your name.';
    case 'password':
      return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
    case 'name':
      return `Give the key a name of 1 to ${grouped.format(LIMITS.nameMaxChars)} characters.`;
    case 'value':
      return `Enter a value of at most ${grouped.format(LIMITS.valueMaxBytes / 1024)} KB that is valid for the chosen format.`;
    case 'format':
      return 'Choose one of the listed formats: text, hex, base64 or base64url.';
    case 'tags':
      return `Use at most ${LIMITS.tagsMax} tags of up to ${LIMITS.tagMaxChars} characters each.`;
    case 'notes':
      return `Keep notes to ${grouped.format(LIMITS.notesMaxChars)} characters or fewer.`;
    case 'autoLockMinutes':
      return `Choose from ${SETTINGS_BOUNDS.autoLockMinutes.min} to ${grouped.format(SETTINGS_BOUNDS.autoLockMinutes.max)} minutes.`;
    case 'clipboardClearSeconds':
      return `Choose from ${SETTINGS_BOUNDS.clipboardClearSeconds.min} to ${SETTINGS_BOUNDS.clipboardClearSeconds.max} seconds.`;
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
    case 'NoStorage':
      return 'This browser offers no storage (IndexedDB) here — private browsing may block it. Open Keyward in a normal window or another browser to keep a vault.';
    case 'IllegalTransition':
      return 'That change is not allowed for a key in this state.';
    case 'KeyNotUsable':
      return 'This key cannot be used in its current state.';
    case 'Unsupported':
      return 'This browser does not support that key type. Try a current Chrome, Edge, Firefox or Safari.';
  }
}

/** Words for anything thrown at the UI. Unknown errors get a generic sentence: their text might carry input. */
export function errorMessage(error: unknown): string {
  if (isVaultError(error)) {
    // These codes carry a specific, secret-free reason from the vault ("version 2 is retired", "this RSA key has 2048 bits, not 4096").
    if (error.code === 'IllegalTransition' || error.code === 'KeyNotUsable' || (error.code === 'InvalidInput' && error.field === 'material')) return sentence(error.message);
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

/** Sentences for checks the UI makes itself before it calls the vault. */
export const FORM_MESSAGES = Object.freeze({
  ownerNameRequired: 'Enter your name.',
  passwordTooShort: `Use at least ${MIN_PASSWORD_LENGTH} characters.`,
  passwordMismatch: 'The passwords do not match.',
  passwordRequired: 'Enter your password.',
  keyNameRequired: 'Give the key a name.',
  keyValueRequired: 'Enter a value, or use Generate.',
  clipboardRefused: 'The browser refused to copy. Reveal the value and copy it by hand.',
  weakPassword: 'Weak password: someone who gets a copy of this browser’s data could guess it.',
});

/** Strength score (0–4 from zxcvbn) as words. */
export const STRENGTH_WORDS = Object.freeze(['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const);

function sentence(text: string): string {
  const t = text.trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}
