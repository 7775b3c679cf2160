// Hostile sizes and characters (issue 8 point 5): a 1 MB value, a 10,000-character name, oversized notes and tags, and
// text with broken characters are refused as InvalidInput on the right field before anything is written; values at the
// limits are kept exactly. The UI's words for each refusal come from src/ui/messages.ts (see messages.test.ts).
import { describe, expect, it } from 'vitest';
import { createdVault, dumpDb, rejectsWith } from '../../test/unit/helpers';
import { LIMITS, type KeyInput } from './index';

const input = (over: Partial<KeyInput> = {}): KeyInput => ({ name: 'Stripe', value: 'sk_live_1', format: 'text', tags: [], notes: '', ...over });
const MB = 1024 * 1024;

describe('size limits', () => {
  it.each<[string, Partial<KeyInput>, string]>([
    ['a 1 MB value', { value: 'v'.repeat(MB) }, 'value'],
    ['a 1 MB value of multi-byte characters', { value: '€'.repeat(MB / 3) }, 'value'],
    ['a value one byte over the limit', { value: 'v'.repeat(LIMITS.valueMaxBytes + 1) }, 'value'],
    ['a 10,000-character name', { name: 'n'.repeat(10_000) }, 'name'],
    ['a name one character over the limit', { name: 'n'.repeat(LIMITS.nameMaxChars + 1) }, 'name'],
    ['1 MB of notes', { notes: 'n'.repeat(MB) }, 'notes'],
    ['notes one character over the limit', { notes: 'n'.repeat(LIMITS.notesMaxChars + 1) }, 'notes'],
    ['a 10,000-character tag', { tags: ['t'.repeat(10_000)] }, 'tags'],
    ['100,000 tags', { tags: Array.from({ length: 100_000 }, (_, i) => `t${i}`) }, 'tags'],
  ])('refuses %s as InvalidInput on its field, writing nothing', async (_what, over, field) => {
    const { session, dbName } = await createdVault();
    const before = await dumpDb(dbName);
    await rejectsWith(session.keys.create(input(over)), 'InvalidInput', field);
    expect(await dumpDb(dbName)).toBe(before);
  });

  it('keeps a value, name, notes and tags exactly at their limits', async () => {
    const { session } = await createdVault();
    const value = '€'.repeat(Math.floor(LIMITS.valueMaxBytes / 3)) + 'x'.repeat(LIMITS.valueMaxBytes % 3);
    const name = '😀'.repeat(LIMITS.nameMaxChars); // 200 characters, 400 UTF-16 units
    const notes = 'n'.repeat(LIMITS.notesMaxChars);
    const tags = Array.from({ length: LIMITS.tagsMax }, (_, i) => `${i}`.padEnd(LIMITS.tagMaxChars, 't'));
    const k = await session.keys.create(input({ value, name, notes, tags }));
    expect(new TextEncoder().encode(value).length).toBe(LIMITS.valueMaxBytes);
    expect(k).toMatchObject({ name, notes, tags });
    expect(await session.keys.reveal(k.id)).toBe(value);
  });

  it('refuses a 1 MB value and a 10,000-character name on edit and rotation too, writing nothing', async () => {
    const { session, dbName } = await createdVault();
    const k = await session.keys.create(input());
    const before = await dumpDb(dbName);
    await rejectsWith(session.keys.update(k.id, { name: 'n'.repeat(10_000) }), 'InvalidInput', 'name');
    await rejectsWith(session.keys.update(k.id, { value: 'v'.repeat(MB) }), 'InvalidInput', 'value');
    await rejectsWith(session.lifecycle.rotate(k.id, { value: 'v'.repeat(MB) }), 'InvalidInput', 'value');
    await rejectsWith(session.keys.import({ name: 'k', tags: [], notes: '', algorithm: { kind: 'hmac', hash: 'SHA-256' }, text: 'a'.repeat(MB) }), 'InvalidInput', 'material');
    expect(await dumpDb(dbName)).toBe(before);
  });
});

describe('broken characters (found by fuzzing)', () => {
  // A lone surrogate cannot be encoded as UTF-8: sealing replaced it with U+FFFD, so "\ud800" was saved and "\ufffd"
  // came back. Counterexample from src/vault/fuzz.test.ts: name "!", value "\ud800".
  it.each<[string, Partial<KeyInput>, string]>([
    ['value', { value: '\ud800' }, 'value'],
    ['name', { name: 'db \udc00 password' }, 'name'],
    ['tag', { tags: ['ok', 'x\ud83d'] }, 'tags'],
    ['notes', { notes: 'see \ud800' }, 'notes'],
  ])('refuses a lone surrogate in the %s, writing nothing', async (_what, over, field) => {
    const { session, dbName } = await createdVault();
    const before = await dumpDb(dbName);
    await rejectsWith(session.keys.create(input(over)), 'InvalidInput', field);
    expect(await dumpDb(dbName)).toBe(before);
  });

  it('keeps well-formed astral characters (surrogate pairs) exactly', async () => {
    const { session } = await createdVault();
    const k = await session.keys.create(input({ name: '🔑 key', value: 'p😀ss', notes: '𝄞', tags: ['🏷'] }));
    expect(k).toMatchObject({ name: '🔑 key', notes: '𝄞', tags: ['🏷'] });
    expect(await session.keys.reveal(k.id)).toBe('p😀ss');
  });

  it('refuses a lone surrogate in a group name (sealed like key names) and a user name', async () => {
    const { session } = await createdVault();
    await rejectsWith(session.directory.createGroup('ops \ud800'), 'InvalidInput', 'groupName');
    await rejectsWith(session.directory.addUser({ name: 'Bob \udfff', password: 'another long password', role: 'member' }), 'InvalidInput', 'ownerName');
  });

  it('refuses a lone surrogate in a compromise reason', async () => {
    const { session } = await createdVault();
    const k = await session.keys.create(input());
    await rejectsWith(session.lifecycle.setState(k.id, 'compromised', { reason: 'leaked \ud800' }), 'InvalidInput', 'reason');
  });
});
