// The import dialog's flow without a browser: what it asks the file reader and the vault, and what it does with
// their answers (password asked, duplicates defaulted, "Replace" sent as a replacement, CSV columns re-read).
import { describe, expect, it, vi } from 'vitest';
import { InteropError, MAX_IMPORT_BYTES, type ImportEntry, type ReadResult } from '../../interop';
import type { ImportDuplicate, KeyId } from '../../vault';
import { ImportFlow, type ImportDeps } from './import-state.svelte';

const entry = (name: string, value: string): ImportEntry => ({ name, value, username: '', url: '', notes: '', totp: '', group: '', fields: [] });
const file = (text: string, name = 'x.env') => new File([text], name);

function deps(over: Partial<ImportDeps> = {}): ImportDeps & { read: ReturnType<typeof vi.fn>; importKeys: ReturnType<typeof vi.fn> } {
  return {
    read: vi.fn(async (): Promise<ReadResult> => ({ format: 'dotenv', entries: [entry('A', '1'), entry('B', '2'), entry('C', '3')], skipped: [] })),
    duplicates: vi.fn(async (): Promise<ImportDuplicate[]> => [
      { index: 0, keyId: 'k-a' as KeyId, sameValue: true },
      { index: 1, keyId: 'k-b' as KeyId, sameValue: false },
    ]),
    importKeys: vi.fn(async (_format, keys: readonly unknown[], options: { replace?: readonly unknown[] }) => new Array(keys.length + (options.replace?.length ?? 0)).fill({})),
    ...over,
  } as never;
}

describe('ImportFlow', () => {
  it('reads the chosen file, skips a same-value namesake by default and keeps a different one', async () => {
    const d = deps();
    const flow = new ImportFlow(d);
    await flow.choose(file('A=1'));
    expect(d.read).toHaveBeenCalledWith(expect.any(Uint8Array), { fileName: 'x.env' });
    expect(flow.plan!.keys.map((k) => k.name)).toEqual(['A', 'B', 'C']);
    expect(flow.choices).toEqual({ 0: 'skip', 1: 'keep' });
    expect(flow.chosen.map((k) => k.name)).toEqual(['B', 'C']);
    expect(flow.writeCount).toBe(2);
  });

  it('sends "Replace" as a new version of the key here, not as a new key', async () => {
    const d = deps();
    const flow = new ImportFlow(d);
    await flow.choose(file('A=1'));
    flow.setChoice(1, 'replace');
    expect(flow.writeCount).toBe(2);
    expect(await flow.run()).toBe(2);
    const [format, keys, options] = d.importKeys.mock.calls[0]!;
    expect(format).toBe('dotenv');
    expect((keys as { name: string }[]).map((k) => k.name)).toEqual(['C']);
    expect(options.replace).toEqual([{ keyId: 'k-b', value: '2' }]);
  });

  it('asks for a password, and says when the password is wrong without leaving the step', async () => {
    const read = vi.fn(async (_b: Uint8Array, o: { password?: string }): Promise<ReadResult> => {
      if (o.password === undefined) throw new InteropError('PasswordNeeded', 'needs its password');
      if (o.password !== 'right') throw new InteropError('WrongPassword', 'wrong');
      return { format: 'kdbx', entries: [entry('K', 'v')], skipped: [] };
    });
    const flow = new ImportFlow(deps({ read, duplicates: async () => [] }));
    await flow.choose(file('x', 'db.kdbx'));
    expect(flow.needsPassword).toBe(true);
    expect(flow.error).toBe('');
    await flow.open('nope');
    expect(flow.needsPassword).toBe(true);
    expect(flow.errorField).toBe('password');
    expect(flow.error).toContain('does not open this file');
    expect(flow.plan).toBeNull();
    await flow.open('right');
    expect(flow.needsPassword).toBe(false);
    expect(flow.plan!.keys).toHaveLength(1);
  });

  it('refuses a file over the limit before reading it, and a damaged file with its words', async () => {
    const d = deps({ read: vi.fn(async () => Promise.reject(new InteropError('Damaged', 'This file is damaged.'))) });
    const flow = new ImportFlow(d);
    const big = { name: 'big.csv', size: MAX_IMPORT_BYTES + 1, arrayBuffer: () => Promise.reject(new Error('must not be read')) } as unknown as File;
    await flow.choose(big);
    expect(flow.error).toContain('larger than');
    expect(d.read).not.toHaveBeenCalled();
    await flow.choose(file('???'));
    expect(flow.error).toBe('This file is damaged. Nothing was imported.');
    expect(flow.plan).toBeNull();
  });

  it('re-reads a CSV with the column the person picks, and keeps their pick when it cannot be read', async () => {
    const read = vi.fn(async (_b: Uint8Array, o: { mapping?: Record<string, number> }): Promise<ReadResult> => {
      const mapping = o.mapping ?? { name: 0, value: 1 };
      if (mapping.value === undefined) throw new InteropError('Damaged', 'Choose the column that holds the values.');
      return { format: 'csv', entries: [entry('row', mapping.value === 2 ? 'third' : 'second')], skipped: [], columns: { headers: ['title', 'secret', 'other'], mapping } };
    });
    const flow = new ImportFlow(deps({ read, duplicates: async () => [] }));
    await flow.choose(file('title,secret,other\nrow,second,third', 'x.csv'));
    expect(flow.columns!.mapping).toEqual({ name: 0, value: 1 });
    await flow.setColumn('value', 2);
    expect(read).toHaveBeenLastCalledWith(expect.any(Uint8Array), { fileName: 'x.csv', mapping: { name: 0, value: 2 } });
    expect(flow.plan!.keys[0]!.value).toBe('third');
    await flow.setColumn('value', -1);
    expect(flow.plan).toBeNull();
    expect(flow.error).toContain('Choose the column');
    expect(flow.columns!.mapping).toEqual({ name: 0 });
  });
});
