// Storage failures (issue 8, point 3): a full disk refuses a save with words that name the cause and keeps nothing of
// it; a browser with no IndexedDB at all (some private modes), or one whose IndexedDB refuses to open, gets a screen
// that says so instead of a blank page.
//
// The full disk is a wrapper injected before the app loads: once armed, IndexedDB's put()/add() in a readwrite
// transaction throw QuotaExceededError after `n` more requests, as a browser does when a write would exceed the
// quota. (DevTools' Storage.overrideQuotaForOrigin was tried first: in this Chromium 156 it is accepted on a page
// session but changes neither navigator.storage.estimate() nor what IndexedDB accepts, in a normal or a persistent
// context; a browser-level session answers "Internal error".)
import type { Page } from '@playwright/test';
import { addKey, createVault, expect, keyInList, KDF_TIMEOUT, revealValue, test, unlockAndWait } from './fixtures';

const FULL = /storage for this site is full, so nothing was saved and nothing was changed/;

async function injectDisk(page: Page): Promise<void> {
  await page.addInitScript(() => {
    let remaining = Number.POSITIVE_INFINITY;
    const wrap = (real: (...args: unknown[]) => IDBRequest) =>
      function (this: IDBObjectStore, ...args: unknown[]): IDBRequest {
        if (this.transaction.mode === 'readwrite' && remaining-- <= 0) throw new DOMException('simulated full disk', 'QuotaExceededError');
        return real.apply(this, args);
      };
    IDBObjectStore.prototype.put = wrap(IDBObjectStore.prototype.put as never) as never;
    IDBObjectStore.prototype.add = wrap(IDBObjectStore.prototype.add as never) as never;
    Object.defineProperty(window, '__keywardTestDisk', {
      value: Object.freeze({
        fill: (after: number) => void (remaining = after),
        free: () => void (remaining = Number.POSITIVE_INFINITY),
      }),
    });
  });
}

const disk = (page: Page, action: 'fill' | 'free', after = 0) =>
  page.evaluate(([a, n]) => (window as unknown as { __keywardTestDisk: { fill(n: number): void; free(): void } }).__keywardTestDisk[a as 'fill' | 'free'](n as number), [action, after] as const);

test('a full disk refuses a save with its cause, keeps nothing of it, and the vault goes on afterwards', async ({ page }) => {
  await injectDisk(page);
  await page.goto('/');
  await createVault(page);
  await addKey(page, 'Saved before', 'value-saved-before');

  // The disk fills up after 3 more writes: the audit entry and the key row go through, the version does not.
  await disk(page, 'fill', 3);
  await page.getByRole('button', { name: 'New key', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill('Too big for the disk');
  await page.getByLabel('Value', { exact: true }).fill('x'.repeat(60 * 1024));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: FULL })).toBeVisible({ timeout: KDF_TIMEOUT });
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(keyInList(page, 'Too big for the disk')).toHaveCount(0);

  // Space again; after a reload (everything read back from disk) nothing of the refused save is there, and saving works.
  await disk(page, 'free');
  await page.reload();
  await unlockAndWait(page);
  await expect(keyInList(page, 'Saved before')).toBeVisible();
  await expect(keyInList(page, 'Too big for the disk')).toHaveCount(0);
  await addKey(page, 'Saved after', 'value-saved-after');
  expect(await revealValue(page, 'Saved after')).toBe('value-saved-after');
  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  await page.getByRole('button', { name: 'Verify log', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Log intact' })).toHaveText(/^Log intact: \d+ entries verified$/, { timeout: KDF_TIMEOUT });
});

test('no IndexedDB at all: a screen says why, not a blank page', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Keyward cannot open a vault here' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText(/^This browser offers no storage \(IndexedDB\) here — private browsing may block it\./);
  await expect(page.getByRole('button', { name: 'Try again', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create vault', exact: true })).toHaveCount(0);
});

test('IndexedDB that refuses to open (as in some private modes): the same clear screen', async ({ page }) => {
  await page.addInitScript(() => {
    IDBFactory.prototype.open = function open(): IDBOpenDBRequest {
      throw new DOMException('The user denied permission to access the database.', 'UnknownError');
    };
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Keyward cannot open a vault here' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText(/^This browser offers no storage \(IndexedDB\) here/);
});
