// Owns masking secret values in a command's output for `keyward run`: every occurrence of a value (4 characters or
// more) becomes "****", also when the command writes it in pieces. Bytes that could still be the start of a value are
// held back until the next chunk (or the end) decides; nothing else is delayed.

export const MASK = Buffer.from('****');
const EMPTY = Buffer.alloc(0);

export class Masker {
  /** Values as UTF-8, longest first, by their first byte. */
  readonly #byFirst = new Map<number, Buffer[]>();
  #pending: Buffer = EMPTY;

  constructor(values: readonly string[], minLength = 4) {
    const secrets = [...new Set(values.filter((v) => v.length >= minLength))].map((v) => Buffer.from(v, 'utf8')).sort((a, b) => b.length - a.length);
    for (const s of secrets) this.#byFirst.set(s[0]!, [...(this.#byFirst.get(s[0]!) ?? []), s]);
  }

  /** The masked output a chunk makes ready (possibly empty; the rest waits for the next chunk). */
  push(chunk: Buffer): Buffer {
    const { out, keep } = this.#scan(this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk, false);
    this.#pending = keep;
    return out;
  }

  /** What is left when the stream ends. */
  end(): Buffer {
    const { out } = this.#scan(this.#pending, true);
    this.#pending = EMPTY;
    return out;
  }

  #scan(data: Buffer, final: boolean): { out: Buffer; keep: Buffer } {
    const parts: Buffer[] = [];
    let start = 0;
    let i = 0;
    scanning: while (i < data.length) {
      for (const s of this.#byFirst.get(data[i]!) ?? []) {
        const available = data.length - i;
        if (available >= s.length) {
          if (data.compare(s, 0, s.length, i, i + s.length) !== 0) continue;
          parts.push(data.subarray(start, i), MASK);
          i += s.length;
          start = i;
          continue scanning;
        }
        // A longer value may be arriving: wait for it rather than mask a shorter one inside it and print its tail.
        if (!final && data.compare(s, 0, available, i, data.length) === 0) {
          parts.push(data.subarray(start, i));
          return { out: Buffer.concat(parts), keep: Buffer.from(data.subarray(i)) };
        }
      }
      i++;
    }
    parts.push(data.subarray(start));
    return { out: Buffer.concat(parts), keep: EMPTY };
  }
}
