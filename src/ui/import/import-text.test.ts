import { describe, expect, it } from 'vitest';
import { IMPORT_FORMATS } from '../../interop';
import { FORMAT_LABELS, importedText, previewText, progressText } from './import-text';

describe('import words', () => {
  it('names every format', () => {
    for (const format of IMPORT_FORMATS) expect(FORMAT_LABELS[format], format).toMatch(/\S/);
  });

  it('says what the preview holds, leaving out zero counts', () => {
    expect(previewText(1, 0, 0)).toBe('1 key to import.');
    expect(previewText(1200, 2, 1)).toBe('1,200 keys to import, 2 entries skipped, 1 key has a name already here.');
    expect(previewText(0, 1, 3)).toBe('0 keys to import, 1 entry skipped, 3 keys have names already here.');
    expect(previewText(2, 0, 1, 1)).toBe('2 keys to import, 1 key here to get a new version, 1 key has a name already here.');
  });

  it('says what was imported, what was left out, and to delete the plaintext file', () => {
    expect(importedText(3, 'dotenv', 0)).toBe('Imported 3 keys from .env file. Delete the file you imported from if you no longer need it: it holds the values in plaintext.');
    expect(importedText(1, 'kdbx', 2)).toContain('Imported 1 key from KeePass database (KDBX). 2 keys were left out as you chose.');
    expect(progressText(300, 1000)).toBe('Sealing 300 of 1,000 keys…');
  });
});
