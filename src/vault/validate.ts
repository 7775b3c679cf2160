// Owns input checks at the vault's public boundary: every person-typed field is checked before any encryption.

import { checkKeyAlgorithm, fromBase64, fromBase64Url, fromHex, isWellFormed, SECRET_FORMATS, SECRET_MAX_BYTES, SECRET_MIN_BYTES, utf8Encode, type KeyAlgorithm } from '../crypto';
import { VaultError } from './errors';
import {
  DESTRUCTION_WAIT,
  KEEP_VERSIONS,
  LIMITS,
  MIN_PASSWORD_LENGTH,
  ROTATION_BOUNDS,
  SETTINGS_BOUNDS,
  VALUE_FORMATS,
  type KeyInput,
  type RotationPolicy,
  type SecretRecipe,
  type Settings,
  type ValueFormat,
} from './types';

function invalid(field: string, message: string): VaultError {
  return new VaultError('InvalidInput', message, { field });
}

/**
 * Text a person typed must be well-formed UTF-16: records are sealed as UTF-8, which would replace a lone surrogate
 * with U+FFFD, so the key would silently come back different from what was saved (found by fuzzing).
 */
function checkWellFormed(field: string, text: string, what: string): void {
  if (!isWellFormed(text)) throw invalid(field, `${what} contains a broken character (a lone surrogate)`);
}

/** Characters as a person counts them (code points, not UTF-16 units). */
function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function checkNewPassword(password: unknown): string {
  if (typeof password !== 'string') throw invalid('password', 'the password must be text');
  if (!isWellFormed(password)) throw invalid('password', 'the password contains a broken character (a lone surrogate)');
  if (charCount(password) < MIN_PASSWORD_LENGTH) {
    throw new VaultError('PasswordTooShort', `the password must have at least ${MIN_PASSWORD_LENGTH} characters`, { field: 'password' });
  }
  return password;
}

export function checkUserName(name: unknown): string {
  if (typeof name !== 'string') throw invalid('ownerName', 'the name must be text');
  const trimmed = name.trim();
  if (trimmed.length === 0) throw invalid('ownerName', 'the name is empty');
  if (charCount(trimmed) > 100) throw invalid('ownerName', 'the name is longer than 100 characters');
  checkWellFormed('ownerName', trimmed, 'the name');
  return trimmed;
}

/** A group's name: 1–100 characters (shown to admins; sealed at rest). */
export function checkGroupName(name: unknown): string {
  if (typeof name !== 'string') throw invalid('groupName', 'the name must be text');
  const trimmed = name.trim();
  if (trimmed.length === 0) throw invalid('groupName', 'the name is empty');
  if (charCount(trimmed) > 100) throw invalid('groupName', 'the name is longer than 100 characters');
  checkWellFormed('groupName', trimmed, 'the name');
  return trimmed;
}

export function checkFormat(format: unknown): ValueFormat {
  if (!VALUE_FORMATS.includes(format as ValueFormat)) throw invalid('format', `the format must be one of ${VALUE_FORMATS.join(', ')}`);
  return format as ValueFormat;
}

/** A value must be non-empty, at most LIMITS.valueMaxBytes, and decode in its declared format. */
export function checkValue(value: unknown, format: ValueFormat): string {
  if (typeof value !== 'string') throw invalid('value', 'the value must be text');
  if (value.length === 0) throw invalid('value', 'the value is empty');
  // Size first: a 1 MB paste is refused without scanning it further.
  if (value.length > LIMITS.valueMaxBytes) throw invalid('value', `the value is larger than ${LIMITS.valueMaxBytes / 1024} KiB`);
  checkWellFormed('value', value, 'the value');
  if (utf8Encode(value).length > LIMITS.valueMaxBytes) throw invalid('value', `the value is larger than ${LIMITS.valueMaxBytes / 1024} KiB`);
  const decoders: Record<Exclude<ValueFormat, 'text'>, (s: string) => Uint8Array> = { hex: fromHex, base64: fromBase64, base64url: fromBase64Url };
  if (format !== 'text') {
    try {
      decoders[format](value);
    } catch {
      throw invalid('value', `the value is not valid ${format}`);
    }
  }
  return value;
}

export function checkName(name: unknown): string {
  if (typeof name !== 'string') throw invalid('name', 'the name must be text');
  const trimmed = name.trim();
  if (trimmed.length === 0) throw invalid('name', 'the name is empty');
  if (trimmed.length > LIMITS.nameMaxChars * 2 || charCount(trimmed) > LIMITS.nameMaxChars) throw invalid('name', `the name is longer than ${LIMITS.nameMaxChars} characters`);
  checkWellFormed('name', trimmed, 'the name');
  return trimmed;
}

export function checkTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) throw invalid('tags', 'the tags must be a list');
  // Far more entries than allowed are refused before each is looked at.
  if (tags.length > LIMITS.tagsMax * 10) throw invalid('tags', `at most ${LIMITS.tagsMax} tags`);
  const out: string[] = [];
  for (const tag of tags) {
    if (typeof tag !== 'string') throw invalid('tags', 'every tag must be text');
    const t = tag.trim();
    if (t.length === 0) continue;
    if (charCount(t) > LIMITS.tagMaxChars) throw invalid('tags', `a tag is longer than ${LIMITS.tagMaxChars} characters`);
    checkWellFormed('tags', t, 'a tag');
    if (!out.includes(t)) out.push(t);
  }
  if (out.length > LIMITS.tagsMax) throw invalid('tags', `at most ${LIMITS.tagsMax} tags`);
  return out;
}

export function checkNotes(notes: unknown): string {
  if (typeof notes !== 'string') throw invalid('notes', 'the notes must be text');
  if (notes.length > LIMITS.notesMaxChars * 2 || charCount(notes) > LIMITS.notesMaxChars) throw invalid('notes', `the notes are longer than ${LIMITS.notesMaxChars} characters`);
  checkWellFormed('notes', notes, 'the notes');
  return notes;
}

/** Checks a whole key input in field order, so the first wrong field is the one reported. */
export function checkKeyInput(input: KeyInput): KeyInput & { recipe: SecretRecipe | null } {
  if (typeof input !== 'object' || input === null) throw invalid('name', 'no key data given');
  const name = checkName(input.name);
  const format = checkFormat(input.format);
  const value = checkValue(input.value, format);
  const recipe = input.recipe == null ? null : checkRecipe(input.recipe);
  if (recipe && recipe.format !== format) throw invalid('format', 'the format differs from the generator\'s encoding');
  return { name, format, value, tags: checkTags(input.tags), notes: checkNotes(input.notes), recipe };
}

export function checkRecipe(recipe: unknown): SecretRecipe {
  const r = recipe as Partial<SecretRecipe> | null;
  if (typeof r !== 'object' || r === null) throw invalid('recipe', 'the generator settings are missing');
  if (typeof r.bytes !== 'number' || !Number.isInteger(r.bytes) || r.bytes < SECRET_MIN_BYTES || r.bytes > SECRET_MAX_BYTES) {
    throw invalid('recipe', `the size must be ${SECRET_MIN_BYTES}–${SECRET_MAX_BYTES} bytes`);
  }
  if (!SECRET_FORMATS.includes(r.format as SecretRecipe['format'])) throw invalid('recipe', `the encoding must be one of ${SECRET_FORMATS.join(', ')}`);
  return { bytes: r.bytes, format: r.format as SecretRecipe['format'] };
}

export function checkAlgorithm(algorithm: unknown): KeyAlgorithm {
  try {
    return checkKeyAlgorithm(algorithm);
  } catch {
    throw invalid('algorithm', 'this key type is not supported');
  }
}

export function checkRotation(policy: unknown): RotationPolicy {
  const p = policy as Partial<RotationPolicy> | null;
  if (typeof p !== 'object' || p === null) throw invalid('rotation', 'the rotation policy is missing');
  const { minDays, maxDays } = ROTATION_BOUNDS;
  if (p.periodDays !== null && (typeof p.periodDays !== 'number' || !Number.isInteger(p.periodDays) || p.periodDays < minDays || p.periodDays > maxDays)) {
    throw invalid('rotation', `the rotation period must be a whole number of days from ${minDays} to ${maxDays}`);
  }
  if (typeof p.auto !== 'boolean') throw invalid('rotation', 'automatic rotation must be on or off');
  return { periodDays: p.periodDays ?? null, auto: p.auto };
}

export function checkActivation(at: unknown): number | null {
  if (at === null) return null;
  if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) throw invalid('activationAt', 'the activation date is not a valid time');
  return at;
}

export function checkDestructionDays(days: unknown): number {
  if (days === undefined) return DESTRUCTION_WAIT.defaultDays;
  const { minDays, maxDays } = DESTRUCTION_WAIT;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < minDays || days > maxDays) {
    throw invalid('destructionDays', `the waiting period must be ${minDays}–${maxDays} days`);
  }
  return days;
}

export function checkKeepVersions(count: unknown): number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < KEEP_VERSIONS.min || count > KEEP_VERSIONS.max) {
    throw invalid('keepVersions', `keep from ${KEEP_VERSIONS.min} to ${KEEP_VERSIONS.max} versions`);
  }
  return count;
}

export function checkReason(reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim().length === 0) throw invalid('reason', 'say why the key is compromised');
  const r = reason.trim();
  if (charCount(r) > LIMITS.reasonMaxChars) throw invalid('reason', `the reason is longer than ${LIMITS.reasonMaxChars} characters`);
  checkWellFormed('reason', r, 'the reason');
  return r;
}

export function checkSettings(settings: Settings): Settings {
  for (const field of Object.keys(SETTINGS_BOUNDS) as (keyof Settings)[]) {
    const v = settings[field];
    const { min, max } = SETTINGS_BOUNDS[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw invalid(field, `${field} must be a whole number from ${min} to ${max}`);
    }
  }
  return { autoLockMinutes: settings.autoLockMinutes, clipboardClearSeconds: settings.clipboardClearSeconds };
}

/**
 * Key ids are made by randomId() (22 base64url characters); ids from a file or from storage must at least look like
 * one: 8 to 64 base64url characters. A short id such as "audit" would make a grant's AAD ("kw1|dek|audit|<user>")
 * equal the audit key's wrapping context (docs/FORMAT.md §2), so it is never accepted (issue #14).
 */
export function isKeyId(id: unknown): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(id);
}
