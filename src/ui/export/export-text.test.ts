// The export dialogs' words and flows without a browser: what they say before and after an export, which keys a
// choice names, what they ask the vault, what they save, and how a refusal is said (never with a value in it).
import { describe, expect, it, vi } from 'vitest';
import { VaultError, type DotenvFile, type KdbxFile, type KeyId, type KeySummary } from '../../vault';
import { DotenvExportFlow, KdbxExportFlow, scopeOf, tagsOf, type PlainExportDeps } from './export-state.svelte';
import { dotenvWarning, exportedText, exportErrorText, leftOutHeading, leftOutLines, previewText } from './export-text';

const key = (id: string, name: string, tags: string[] = []) => ({ id: id as KeyId, name, tags }) as unknown as KeySummary;
const left = (name: string, why: string) => ({ id: 'k_x' as KeyId, name, why });

describe('export words', () => {
  it('warns that the .env file holds the values in plain text, in the singular and the plural', () => {
    expect(dotenvWarning(1)).toMatch(/^The file will hold the values of 1 key in plain text\. Anyone who can read the file can use it:/);
    expect(dotenvWarning(1_200)).toMatch(/of 1,200 keys in plain text\. Anyone who can read the file can use them:/);
  });

  it('says how many keys go in and how many are left out, and why each was', () => {
    expect(previewText({ count: 3, leftOut: [] })).toBe('3 keys to export.');
    expect(previewText({ count: 1, leftOut: [left('a', 'x')] })).toBe('1 key to export. 1 key is left out.');
    expect(previewText({ count: 0, leftOut: [left('a', 'x'), left('b', 'y')] })).toBe('None of these keys can be exported. 2 keys are left out.');
    expect(leftOutHeading(2)).toBe('2 keys are left out because they cannot be revealed by you:');
    expect(leftOutLines([left('paused', 'a suspended key cannot be used for this'), left('', 'no such key, or no grant on it')])).toEqual([
      'paused: a suspended key cannot be used for this.',
      'A key not found: no such key, or no grant on it.',
    ]);
  });

  it('names the file in the outcome and asks to delete it', () => {
    expect(exportedText({ filename: 'keyward-20261208-101112.env', count: 2, leftOut: [left('a', 'x')] })).toBe(
      'Exported 2 keys to keyward-20261208-101112.env. 1 key was left out. The file holds the values: delete it when you no longer need it.',
    );
  });

  it('says the vault’s refusal of the chosen keys in its own words, and anything else through the shared messages', () => {
    const named = new VaultError('InvalidInput', 'The value of “carriage” cannot be written in a .env file', { field: 'keys' });
    expect(exportErrorText(named)).toBe('The value of “carriage” cannot be written in a .env file. Nothing was exported.');
    expect(exportErrorText(new VaultError('InvalidInput', 'no tag was chosen', { field: 'tag' }))).toBe('No tag was chosen. Nothing was exported.');
    // Another field's message, or an unknown error, never passes through (its text might carry input).
    expect(exportErrorText(new VaultError('InvalidInput', 'secret-value-here', { field: 'value' }))).not.toContain('secret-value-here');
    expect(exportErrorText(new Error('secret-value-here'))).not.toContain('secret-value-here');
    expect(exportErrorText(new VaultError('AccessDenied', 'a auditor cannot use the key material'))).not.toBe('');
  });
});

describe('which keys a .env export takes', () => {
  it('lists every tag once, the first spelling kept, sorted', () => {
    expect(tagsOf([key('1', 'a', ['prod', 'Dev']), key('2', 'b', ['PROD', 'ci']), key('3', 'c')])).toEqual(['ci', 'Dev', 'prod']);
  });

  it('turns a choice into the vault’s scope, or null when it names nothing', () => {
    const shown = [key('k1', 'a'), key('k2', 'b')];
    expect(scopeOf('tag', { tag: 'prod', shown, selected: null })).toEqual({ tag: 'prod' });
    expect(scopeOf('tag', { tag: ' ', shown, selected: null })).toBeNull();
    expect(scopeOf('shown', { tag: '', shown, selected: null })).toEqual({ ids: ['k1', 'k2'] });
    expect(scopeOf('shown', { tag: '', shown: [], selected: null })).toBeNull();
    expect(scopeOf('selected', { tag: '', shown, selected: shown[1]! })).toEqual({ ids: ['k2'] });
    expect(scopeOf('selected', { tag: '', shown, selected: null })).toBeNull();
  });
});

function deps(over: Partial<PlainExportDeps> = {}): PlainExportDeps & { save: ReturnType<typeof vi.fn> } {
  return {
    preview: vi.fn(async () => ({ count: 2, leftOut: [] })),
    dotenv: vi.fn(async (): Promise<DotenvFile> => ({ filename: 'keyward-20261208-101112.env', text: 'A=1\nB=2\n', count: 2, leftOut: [] })),
    kdbx: vi.fn(async (): Promise<KdbxFile> => ({ filename: 'keyward-20261208-101112.kdbx', bytes: Uint8Array.of(1, 2, 3), count: 2, versions: 3, leftOut: [] })),
    save: vi.fn(),
    ...over,
  } as never;
}

describe('DotenvExportFlow', () => {
  it('asks first (preview), then writes, saves the file and keeps no value', async () => {
    const d = deps();
    const flow = new DotenvExportFlow(d);
    await flow.review({ tag: 'prod' });
    expect(d.preview).toHaveBeenCalledWith({ tag: 'prod' });
    expect(d.dotenv).not.toHaveBeenCalled();
    expect(flow.step).toBe('confirm');
    expect(flow.preview).toEqual({ count: 2, leftOut: [] });
    const file = await flow.run();
    expect(d.dotenv).toHaveBeenCalledWith({ tag: 'prod' });
    expect(d.save).toHaveBeenCalledWith('keyward-20261208-101112.env', 'A=1\nB=2\n');
    expect(file).toMatchObject({ filename: 'keyward-20261208-101112.env', count: 2, text: '' });
  });

  it('says when nothing is chosen, and keeps the dialog open with the vault’s words on a refusal', async () => {
    const d = deps({ dotenv: vi.fn(async () => Promise.reject(new VaultError('InvalidInput', 'The value of “x” cannot be written', { field: 'keys' }))) });
    const flow = new DotenvExportFlow(d);
    await flow.review(null);
    expect(flow.error).toBe('Choose the keys to export first.');
    expect(d.preview).not.toHaveBeenCalled();
    await flow.review({ all: true });
    expect(await flow.run()).toBeNull();
    expect(flow.error).toBe('The value of “x” cannot be written. Nothing was exported.');
    expect(d.save).not.toHaveBeenCalled();
    flow.back();
    expect(flow.step).toBe('choose');
    expect(flow.error).toBe('');
  });
});

describe('KdbxExportFlow', () => {
  it('reads what the whole file will hold before asking for the password', async () => {
    const d = deps({ preview: vi.fn(async () => ({ count: 4, leftOut: [left('paused', 'a suspended key cannot be used for this')] })) });
    const flow = new KdbxExportFlow(d);
    await flow.load();
    expect(d.preview).toHaveBeenCalledWith({ all: true });
    expect(flow.preview).toMatchObject({ count: 4 });
    const refused = new KdbxExportFlow(deps({ preview: vi.fn(async () => Promise.reject(new VaultError('AccessDenied', 'a auditor cannot use the key material'))) }));
    await refused.load();
    expect(refused.preview).toBeNull();
    expect(refused.error).not.toBe('');
  });

  it('saves the database and hands back no bytes', async () => {
    const d = deps();
    const flow = new KdbxExportFlow(d);
    const file = await flow.run('a long file password');
    expect(d.kdbx).toHaveBeenCalledWith('a long file password');
    expect(d.save).toHaveBeenCalledWith('keyward-20261208-101112.kdbx', Uint8Array.of(1, 2, 3));
    expect(file!.bytes).toHaveLength(0);
  });

  it('puts a refused password on the password field and other failures on the form', async () => {
    const short = new KdbxExportFlow(deps({ kdbx: vi.fn(async () => Promise.reject(new VaultError('PasswordTooShort', 'too short', { field: 'password' }))) }));
    expect(await short.run('short')).toBeNull();
    expect(short.passwordError).toMatch(/10 characters/);
    expect(short.error).toBe('');
    const denied = new KdbxExportFlow(deps({ kdbx: vi.fn(async () => Promise.reject(new VaultError('AccessDenied', 'a auditor cannot use the key material'))) }));
    expect(await denied.run('a long file password')).toBeNull();
    expect(denied.error).not.toBe('');
    expect(denied.passwordError).toBe('');
  });
});
