// Prompt-mode updates: a new service worker waits, the app offers "Reload" and never reloads by itself;
// reloading locks an unlocked vault first and lands on the new version.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectAccessible } from './axe';
import { createVault, expect, test } from './fixtures';

// The server (vite preview) reads dist/ on every request, so rewriting the worker here is a real deployment
// of "the next release" as far as the browser can tell. (Playwright's routing does not see the browser's
// worker update check, so it cannot stand in for this.) The original is put back when the test ends.
const swPath = fileURLToPath(new URL('../../dist/sw.js', import.meta.url));
const originalWorker = readFileSync(swPath, 'utf8');

test.afterEach(() => {
  writeFileSync(swPath, originalWorker);
});

interface MarkedWindow {
  keywardMarker?: string;
}

test('a new version waits for the person, and the app reloads only when asked', async ({ page }) => {
  // The banner's accessibility scan (axe) takes tens of seconds on a busy 2-core machine.
  test.setTimeout(180_000);
  await page.goto('/');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await createVault(page);

  // A marker that a reload would wipe, to prove the app does not reload on its own.
  await page.evaluate(() => {
    (window as MarkedWindow).keywardMarker = 'same page';
  });

  // Publish a "new version": the same worker with different bytes, which the browser treats as an update.
  writeFileSync(swPath, `${originalWorker}\n// next release\n`);
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    await registration?.update();
  });

  const banner = page.getByRole('region', { name: 'Update' });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Update available');
  await expectAccessible(page, 'update banner');
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state)).toBe('installed');
  // Still the same page, still unlocked: nothing was reloaded behind the person's back.
  expect(await page.evaluate(() => (window as MarkedWindow).keywardMarker)).toBe('same page');
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toBeVisible();

  const reloaded = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
  await banner.getByRole('button', { name: 'Reload', exact: true }).click();

  // The page reloads under the new worker (only after the click), and the vault must be unlocked again.
  await reloaded;
  await page.waitForLoadState();
  expect(await page.evaluate(() => (window as MarkedWindow).keywardMarker)).toBeUndefined();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Update' })).toHaveCount(0);
  expect(
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return { waiting: registration?.waiting !== null, controlled: navigator.serviceWorker.controller !== null };
    }),
  ).toEqual({ waiting: false, controlled: true });
});
