// Browsers may evict site data (ARCHITECTURE.md §3): when the vault is gone but the marker outside IndexedDB
// says one existed, the app says so instead of quietly offering a fresh vault.
import { createVault, expect, test } from './fixtures';

test('a vault removed by the browser is reported, then a new one can be started', async ({ page }) => {
  await page.goto('/');
  expect(await page.evaluate(() => localStorage.getItem('keyward.vault-created'))).toBeNull();
  await createVault(page);
  expect(await page.evaluate(() => localStorage.getItem('keyward.vault-created'))).toBe('1');

  // Evict IndexedDB only, as a browser under storage pressure may; the marker in localStorage stays.
  // The app closes its connection on "versionchange", so the deletion is not blocked.
  const outcome = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const request = indexedDB.deleteDatabase('keyward');
        request.onsuccess = () => resolve('deleted');
        request.onerror = () => resolve(`error: ${request.error?.name ?? 'unknown'}`);
        request.onblocked = () => resolve('blocked');
      }),
  );
  expect(outcome).toBe('deleted');
  await page.reload();

  await expect(page.getByRole('heading', { name: 'Your vault is gone from this browser' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText('Your stored vault was removed by the browser — restore it from a backup.');
  await expect(page.getByRole('button', { name: 'Create vault', exact: true })).toHaveCount(0);

  await page.getByRole('button', { name: 'Start a new vault', exact: true }).click();
  await createVault(page);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
});
