// The copied value does not outlive the tab that copied it, and a lock anywhere clears it at once (issue #14, the
// "smaller ones"). Chromium lets only the focused page write the clipboard, but Playwright normally makes every page
// think it has focus; these tests turn that emulation off, so exactly one page (the one in front) may write, as in
// a real browser window. The clipboard is read from a page in front, which is the only one allowed to read it.
import type { BrowserContext, Page } from '@playwright/test';
import { addKey, APP_ORIGIN, createVault, expect, keyDetail, keyInList, test, unlockAndWait } from './fixtures';

// Up to two key derivations (create, unlock in the second tab) on a shared 2-core machine.
test.describe.configure({ timeout: 120_000 });

const NAME = 'clipboard-token';
const VALUE = 'kw-clipboard-R4c8-value-2b7f1e';

/** A page of the context whose focus is real: it has focus only while it is the page in front. */
async function realFocus(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
}

/** What the clipboard holds, read from `page` brought to the front (reading needs focus too). */
async function clipboardFrom(page: Page): Promise<string> {
  await page.bringToFront();
  return page.evaluate(() => navigator.clipboard.readText());
}

const hasFocus = (page: Page) => page.evaluate(() => document.hasFocus());

/** Tab A (in front) creates the vault, adds the key and copies its value. */
async function copyInTabA(page: Page): Promise<void> {
  await page.bringToFront();
  await createVault(page);
  await addKey(page, NAME, VALUE);
  await keyInList(page, NAME).click();
  await keyDetail(page, NAME).getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
}

/** Closes `page` as a person closes a tab (the browser runs its beforeunload and pagehide handlers). */
async function closeTab(page: Page): Promise<void> {
  const closed = page.waitForEvent('close');
  await page.close({ runBeforeUnload: true });
  await closed;
}

test.beforeEach(async ({ context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: APP_ORIGIN });
});

test('closing the only Keyward tab (in front) clears the value it copied', async ({ page, context }) => {
  // A page of the same origin that is not Keyward, only to read the clipboard after the tab is gone.
  const reader = await context.newPage();
  await reader.goto('/favicon.svg');
  await realFocus(context, reader);
  await page.goto('/');
  await realFocus(context, page);
  await copyInTabA(page);
  expect(await clipboardFrom(page)).toBe(VALUE);

  await closeTab(page);
  expect(await clipboardFrom(reader)).toBe('');
});

test('closing a Keyward tab in the background: the Keyward tab in front clears what it copied', async ({ page, context }) => {
  await page.goto('/');
  await realFocus(context, page);
  await copyInTabA(page);
  // Tab B: the app, locked (a locked tab clears too: clearing needs no key).
  const tabB = await context.newPage();
  await tabB.goto('/');
  await realFocus(context, tabB);
  await expect(tabB.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  expect(await clipboardFrom(tabB)).toBe(VALUE);
  // A is behind B: the browser refuses A's own clear, as it does for a tab closed from the tab strip.
  expect(await hasFocus(page)).toBe(false);

  await closeTab(page);
  await expect.poll(() => clipboardFrom(tabB)).toBe('');
});

test('Lock in one tab clears at once what another tab copied, and the copying tab then leaves the clipboard alone', async ({ page, context }) => {
  await page.goto('/');
  await realFocus(context, page);
  await copyInTabA(page);
  const tabB = await context.newPage();
  await tabB.goto('/');
  await realFocus(context, tabB);
  await unlockAndWait(tabB);
  expect(await clipboardFrom(tabB)).toBe(VALUE);
  expect(await hasFocus(page)).toBe(false);

  // Lock in B (in front): both tabs lock, and the value A copied is gone at once, while A is still behind.
  await tabB.getByRole('button', { name: 'Lock', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  await expect.poll(() => clipboardFrom(tabB)).toBe('');
  expect(await hasFocus(page)).toBe(false);

  // The person copies something else; coming back to A must not wipe it (A's own refused clear is done by B).
  await tabB.evaluate(() => navigator.clipboard.writeText('something else'));
  await page.bringToFront();
  expect(await hasFocus(page)).toBe(true);
  // Give A's focus handlers (which finish a refused clear) time to run before reading.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
  expect(await clipboardFrom(page)).toBe('something else');
});

test('the timer of a tab behind another: the Keyward tab in front clears the value when the time is up', async ({ page, context }) => {
  await page.clock.install();
  await page.goto('/');
  await realFocus(context, page);
  await copyInTabA(page);
  const tabB = await context.newPage();
  await tabB.goto('/');
  await realFocus(context, tabB);
  await expect(tabB.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  expect(await clipboardFrom(tabB)).toBe(VALUE);
  expect(await hasFocus(page)).toBe(false);

  // A's 30-second timer fires while A is behind B: the browser refuses A's clear, B (in front) clears it. (The clock
  // also runs meanwhile: opening B took a few of the 30 seconds.)
  await page.clock.fastForward(20_000);
  expect(await clipboardFrom(tabB)).toBe(VALUE);
  await page.clock.fastForward(10_500);
  await expect.poll(() => clipboardFrom(tabB)).toBe('');
  expect(await hasFocus(page)).toBe(false);
});

test('navigating the tab away clears the value it copied', async ({ page, context }) => {
  await page.goto('/');
  await realFocus(context, page);
  await copyInTabA(page);
  expect(await clipboardFrom(page)).toBe(VALUE);
  // The same tab leaves Keyward for another page (of the same origin, so it may read the clipboard there).
  await page.goto('/favicon.svg');
  expect(await clipboardFrom(page)).toBe('');
});
