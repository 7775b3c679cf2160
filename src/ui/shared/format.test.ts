import { describe, expect, it } from 'vitest';
import { generateSecret, SECRET_FORMATS } from '../../vault';
import { encodedLength, formatCount, formatDate, formatDateTime, formatExactDateTime, kdfDescription, kdfUpgradeText, parseLocalDateTime, parseTags } from './format';

describe('format', () => {
  it('parses comma-separated tags: trimmed, no empties, no case-insensitive duplicates', () => {
    expect(parseTags(' prod, payments ,,Prod, db ')).toEqual(['prod', 'payments', 'db']);
    expect(parseTags('')).toEqual([]);
  });

  it('predicts the encoded length of every generated secret size', () => {
    for (const format of SECRET_FORMATS) {
      for (let bytes = 16; bytes <= 64; bytes++) {
        expect(generateSecret({ bytes, format }).length, `${bytes} ${format}`).toBe(encodedLength(bytes, format));
      }
    }
  });

  it('writes the KDF cost with grouped digits', () => {
    expect(formatCount(1_200_000)).toBe('1,200,000');
    expect(kdfDescription(1_200_000)).toBe('Key derivation: PBKDF2-SHA256, 1,200,000 iterations');
  });

  it('says how much the KDF was strengthened', () => {
    expect(kdfUpgradeText(600_000, 1_200_000)).toBe('Key derivation strengthened from 600,000 to 1,200,000 iterations.');
  });

  it('reads a datetime-local value in local time, and refuses what it is not', () => {
    expect(parseLocalDateTime('')).toBeNull();
    expect(parseLocalDateTime('  ')).toBeNull();
    expect(parseLocalDateTime('2030-01-31T09:30')).toBe(new Date(2030, 0, 31, 9, 30).getTime());
    expect(parseLocalDateTime('2030-01-31T09:30:15')).toBe(new Date(2030, 0, 31, 9, 30, 15).getTime());
    for (const bad of ['2030-02-31T09:30', '2030-13-01T00:00', '2030-01-01T24:00', '2030-01-01', 'tomorrow', '2030-01-01T09:60']) {
      expect(parseLocalDateTime(bad), bad).toBe('invalid');
    }
  });

  it('writes dates to the minute, and the exact time with seconds only where asked', () => {
    const at = new Date(2027, 0, 7, 15, 59, 3).getTime();
    const shown = formatDateTime(at);
    expect(shown).toContain(formatDate(at));
    expect(shown).toMatch(/59/);
    expect(shown).not.toMatch(/:03/);
    expect(formatExactDateTime(at)).toMatch(/59:03/);
  });
});
