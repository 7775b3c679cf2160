// Offline-first: after one visit the service worker serves the whole app, so a vault can be unlocked,
// and a new one created (with the lazily loaded strength dictionaries), with no network at all.
import type { BrowserContext, Page } from '@playwright/test';
import { addKey, createVault, expect, keyInList, revealValue, test, unlockAndWait } from './fixtures';

/** First visit online, then a reload so the (prompt-mode, non-claiming) service worker controls the page. */
async function visitUntilControlled(page: Page): Promise<void> {
  await page.goto('/');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

/**
 * Cuts the network. setOffline covers the pages; the route also refuses anything that would still reach the
 * server (in Chromium, requests a service worker sends to the network go through context.route; responses the
 * worker serves from its cache never do).
 */
async function goOffline(context: BrowserContext): Promise<string[]> {
  const refused: string[] = [];
  await context.setOffline(true);
  await context.route('**/*', async (route) => {
    refused.push(route.request().url());
    await route.abort('internetdisconnected');
  });
  return refused;
}

test('an existing vault unlocks offline and its keys are there', async ({ page, context }) => {
  const key = { name: 'offline-ssh-passphrase', value: 'works-without-network-4417' };

  await visitUntilControlled(page);
  await createVault(page);
  await addKey(page, key.name, key.value);

  const refused = await goOffline(context);
  await page.reload();

  await expect(page.getByLabel('Password', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  await unlockAndWait(page);
  await expect(keyInList(page, key.name)).toBeVisible();
  expect(await revealValue(page, key.name)).toBe(key.value);

  // The app itself asked the network for nothing (the browser's own sw.js update check may try).
  expect(refused.filter((url) => !url.endsWith('/sw.js'))).toEqual([]);
});

test('a first vault can be created offline, with the password-strength check working', async ({ page, context }) => {
  await visitUntilControlled(page);
  const refused = await goOffline(context);
  await page.reload();

  await expect(page.getByRole('button', { name: 'Create vault', exact: true })).toBeVisible();
  await page.getByLabel('Password', { exact: true }).fill('Quartz-Harbor-Violet-8812-lantern');
  // The verdict needs the zxcvbn dictionaries chunk, which only the service worker's precache can serve now.
  await expect(page.getByText(/Strength: .+ \([0-4] of 4\)/)).toBeVisible();
  await expect(page.getByText('The strength check could not load', { exact: false })).toHaveCount(0);
  await page.getByLabel('Password', { exact: true }).fill('');

  await createVault(page);
  await addKey(page, 'made-offline', 'value-made-offline-9912');
  await expect(keyInList(page, 'made-offline')).toBeVisible();

  expect(refused.filter((url) => !url.endsWith('/sw.js'))).toEqual([]);
});
