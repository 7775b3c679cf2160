// The output masking of `keyward run` (scripts/keyward-mask.ts): however the output is cut into chunks, every value of
// 4 characters or more comes out as ****, nothing else changes, and a value inside a longer one never leaks its tail.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Masker } from '../../scripts/keyward-mask';

/** Feeds `text` to a Masker cut at `cuts` (byte offsets) and returns everything it gives out. */
function masked(values: string[], text: string, cuts: number[] = []): string {
  const m = new Masker(values);
  const bytes = Buffer.from(text, 'utf8');
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    parts.push(m.push(bytes.subarray(from, c)));
    from = c;
  }
  parts.push(m.end());
  return Buffer.concat(parts).toString('utf8');
}

describe('Masker', () => {
  it.each<[string, string[], string, string]>([
    ['a value', ['sk_live_123'], 'key=sk_live_123\n', 'key=****\n'],
    ['every occurrence', ['abcd'], 'abcd abcdabcd', '**** ********'],
    ['short values are left alone', ['abc', 'x'], 'abc x', 'abc x'],
    ['the longer of two overlapping values', ['abcd', 'abcdefgh'], 'abcdefgh abcd', '**** ****'],
    ['a multi-line value', ['line one\nline two'], 'a line one\nline two b', 'a **** b'],
    ['non-ASCII values', ['pässwörd😀'], '[pässwörd😀]', '[****]'],
    ['no values', [], 'plain output', 'plain output'],
  ])('masks %s', (_what, values, text, expected) => {
    expect(masked(values, text)).toBe(expected);
  });

  it('a value split across chunks is still masked, and a longer value is awaited rather than its prefix masked', () => {
    const m = new Masker(['abcd', 'abcdefgh']);
    expect(m.push(Buffer.from('x ab')).toString()).toBe('x ');
    expect(m.push(Buffer.from('cdef')).toString()).toBe('');
    expect(m.push(Buffer.from('gh y')).toString()).toBe('**** y');
    expect(m.push(Buffer.from('abcd')).toString()).toBe('');
    expect(m.end().toString()).toBe('****');
  });

  it('holds back only what could start a value: a prompt with no line end is shown at once', () => {
    const m = new Masker(['secret-value']);
    expect(m.push(Buffer.from('Password: ')).toString()).toBe('Password: ');
    expect(m.push(Buffer.from('sec')).toString()).toBe('');
    expect(m.push(Buffer.from('ond')).toString()).toBe('second');
  });

  it('property: any chunking gives the same output as the whole text at once, and no value survives', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', 'd', '\n', 'é', ' ');
    const word = fc.array(alphabet, { minLength: 1, maxLength: 8 }).map((c) => c.join(''));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), fc.array(word, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (values, pieces, cuts) => {
        const text = pieces.join('');
        const whole = masked(values, text);
        expect(masked(values, text, cuts)).toBe(whole);
        for (const v of values) if (v.length >= 4) expect(whole.includes(v)).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});
