// Owns the unit tests of the key list's words: counts and plurals, totals without zeros, tags and "+N", the order's
// words, and the search shortcut.
import { describe, expect, it } from 'vitest';
import { countText, isSearchShortcut, moreTagsText, nonZeroTotals, orderLabels, rowTags, type ShortcutPress } from './list-text';

describe('countText', () => {
  it('counts keys with the right plural, and "of" while searching', () => {
    expect(countText('all', 1, 1, '')).toBe('1 key');
    expect(countText('all', 1200, 1200, '  ')).toBe('1,200 keys');
    expect(countText('all', 3, 24, 'aws')).toBe('3 of 24 keys');
    expect(countText('all', 0, 1, 'x')).toBe('0 of 1 key');
  });
  it('says the due view is soonest first', () => {
    expect(countText('due', 1, 24, '')).toBe('1 key due for rotation, soonest first');
    expect(countText('due', 0, 24, 'aws')).toBe('0 keys due for rotation, soonest first');
  });
});

describe('nonZeroTotals', () => {
  it('leaves out the states no key is in, keeping the order', () => {
    const counts = [
      { state: 'pre-activation' as const, count: 0 },
      { state: 'active' as const, count: 22 },
      { state: 'suspended' as const, count: 1 },
      { state: 'compromised' as const, count: 0 },
    ];
    expect(nonZeroTotals(counts).map((entry) => entry.state)).toEqual(['active', 'suspended']);
    expect(nonZeroTotals([])).toEqual([]);
  });
});

describe('rowTags', () => {
  it('shows the first tags that fit beside the state, keeping room for "+N"', () => {
    expect(rowTags([], ['Active'])).toEqual({ shown: [], more: 0 });
    expect(rowTags(['aws', 'analytics', 'production', 'eu-west-1'], ['Active'])).toEqual({ shown: ['aws', 'analytics'], more: 2 });
    expect(rowTags(['payments', 'production'], ['Active'])).toEqual({ shown: ['payments', 'production'], more: 0 });
    expect(rowTags(['monitoring', 'production'], ['Deactivated'])).toEqual({ shown: ['monitoring'], more: 1 });
    expect(rowTags(['monitoring', 'production'], ['Pre-activation'])).toEqual({ shown: [], more: 2 });
    expect(rowTags(['pki', 'production', 'x'], ['Suspended'])).toEqual({ shown: ['pki'], more: 2 });
  });
  it('gives the state, due and destruction badges the room first: tags left out whole become "+N"', () => {
    expect(rowTags(['disaster-recovery'], ['Active'])).toEqual({ shown: ['disaster-recovery'], more: 0 });
    expect(rowTags(['disaster-recovery', 'offline'], ['Active'])).toEqual({ shown: [], more: 2 });
    expect(rowTags(['backup', 'disaster-recovery', 'offline'], ['Active'])).toEqual({ shown: ['backup'], more: 2 });
    expect(rowTags(['db', 'prod'], ['Compromised', 'Destruction scheduled'])).toEqual({ shown: [], more: 2 });
    expect(rowTags(['a-very-long-tag-name-over-the-budget'], [])).toEqual({ shown: [], more: 1 });
    expect(rowTags(['a', 'b', 'c'], [], 34, 3)).toEqual({ shown: ['a', 'b', 'c'], more: 0 });
  });
  it('words "+N" with the hidden tags', () => {
    expect(moreTagsText(['offline'])).toEqual({ short: '+1', long: '1 more tag: offline' });
    expect(moreTagsText(['production', 'eu-west-1'])).toEqual({ short: '+2', long: '2 more tags: production, eu-west-1' });
    expect(moreTagsText(['aws', 'analytics'], 'tag')).toEqual({ short: '+2', long: '2 tags: aws, analytics' });
    expect(moreTagsText(['db'], 'tag')).toEqual({ short: '+1', long: '1 tag: db' });
  });
});

describe('orderLabels', () => {
  it('speaks of letters for names and of age for dates', () => {
    expect(orderLabels('name')).toEqual({ asc: 'A to Z', desc: 'Z to A' });
    expect(orderLabels('updatedAt')).toEqual({ asc: 'Oldest first', desc: 'Newest first' });
    expect(orderLabels('createdAt').desc).toBe('Newest first');
  });
});

describe('isSearchShortcut', () => {
  const press = (over: Partial<ShortcutPress>): ShortcutPress => ({ key: '/', ctrlKey: false, metaKey: false, altKey: false, inField: false, inDialog: false, ...over });
  it('takes "/" alone and Ctrl+K or ⌘K', () => {
    expect(isSearchShortcut(press({}))).toBe(true);
    expect(isSearchShortcut(press({ key: 'k', ctrlKey: true }))).toBe(true);
    expect(isSearchShortcut(press({ key: 'K', metaKey: true }))).toBe(true);
  });
  it('leaves other keys and modified slashes alone', () => {
    expect(isSearchShortcut(press({ key: 'k' }))).toBe(false);
    expect(isSearchShortcut(press({ key: '/', ctrlKey: true }))).toBe(false);
    expect(isSearchShortcut(press({ key: 'k', ctrlKey: true, altKey: true }))).toBe(false);
    expect(isSearchShortcut(press({ key: 'K', ctrlKey: true, shiftKey: true }))).toBe(false);
  });
  it('does nothing while typing in a field or inside a dialog', () => {
    expect(isSearchShortcut(press({ inField: true }))).toBe(false);
    expect(isSearchShortcut(press({ key: 'k', ctrlKey: true, inField: true }))).toBe(false);
    expect(isSearchShortcut(press({ inDialog: true }))).toBe(false);
  });
});
