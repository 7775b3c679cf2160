import { describe, expect, it } from 'vitest';
import { generateSecret, SECRET_FORMATS } from '../vault';
import { encodedLength, formatCount, kdfDescription, parseTags } from './format';

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
});
