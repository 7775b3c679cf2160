// Owns input checks at the vault's public boundary: every person-typed field is checked before any encryption.

import { fromBase64, fromBase64Url, fromHex, isWellFormed, utf8Encode } from '../crypto';
import { VaultError } from './errors';
import { LIMITS, MIN_PASSWORD_LENGTH, SETTINGS_BOUNDS, VALUE_FORMATS, type KeyInput, type Settings, type ValueFormat } from './types';

function invalid(field: string, message: string): VaultError {
  return new VaultError('InvalidInput', message, { field });
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
  if (charCount(trimmed) > LIMITS.nameMaxChars) throw invalid('name', `the name is longer than ${LIMITS.nameMaxChars} characters`);
  return trimmed;
}

export function checkTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) throw invalid('tags', 'the tags must be a list');
  const out: string[] = [];
  for (const tag of tags) {
    if (typeof tag !== 'string') throw invalid('tags', 'every tag must be text');
    const t = tag.trim();
    if (t.length === 0) continue;
    if (charCount(t) > LIMITS.tagMaxChars) throw invalid('tags', `a tag is longer than ${LIMITS.tagMaxChars} characters`);
    if (!out.includes(t)) out.push(t);
  }
  if (out.length > LIMITS.tagsMax) throw invalid('tags', `at most ${LIMITS.tagsMax} tags`);
  return out;
}

export function checkNotes(notes: unknown): string {
  if (typeof notes !== 'string') throw invalid('notes', 'the notes must be text');
  if (charCount(notes) > LIMITS.notesMaxChars) throw invalid('notes', `the notes are longer than ${LIMITS.notesMaxChars} characters`);
  return notes;
}

/** Checks a whole key input in field order, so the first wrong field is the one reported. */
export function checkKeyInput(input: KeyInput): KeyInput {
  if (typeof input !== 'object' || input === null) throw invalid('name', 'no key data given');
  const name = checkName(input.name);
  const format = checkFormat(input.format);
  const value = checkValue(input.value, format);
  return { name, format, value, tags: checkTags(input.tags), notes: checkNotes(input.notes) };
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
