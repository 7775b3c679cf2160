// Secret hygiene (issue 8 point 6), in the built app: a revealed value hides again after 30 s and a copied one leaves
// the clipboard after its timer (Playwright's clock moves time, nothing waits); a hidden value is nowhere in the page
// (markup or form fields); and after Lock no value string and no CryptoKey is left in the page's JavaScript heap
// (a V8 heap snapshot after garbage collection, with the same snapshot taken while unlocked as the control).
import type { Page } from '@playwright/test';
import { APP_ORIGIN, addKey, createVault, expect, keyDetail, keyInList, OWNER, test, unlockAndWait } from './fixtures';

const NAME = 'hygiene-token';
/** Unique enough that any occurrence in the page or its heap is this value. */
const VALUE = 'kw-hygiene-Q7f3-value-5d1e9a';

/** Whether the page shows or holds `text`: in its serialized markup, or as the value of any form field. */
async function pageHolds(page: Page, text: string): Promise<{ markup: boolean; fields: boolean }> {
  const markup = (await page.content()).includes(text);
  const fields = await page.evaluate((t) => [...document.querySelectorAll('input, textarea')].some((e) => (e as HTMLInputElement).value.includes(t)), text);
  return { markup, fields };
}

test('a revealed value hides again after 30 seconds, and is nowhere in the page while hidden', async ({ page }) => {
  await page.clock.install();
  await page.goto('/');
  await createVault(page);
  await addKey(page, NAME, VALUE);
  await keyInList(page, NAME).click();
  const detail = keyDetail(page, NAME);
  await expect(detail).toBeVisible();

  // Saved and selected, but hidden: not in the markup, not in any field (the form is gone).
  expect(await pageHolds(page, VALUE)).toEqual({ markup: false, fields: false });

  await detail.getByRole('button', { name: 'Reveal', exact: true }).click();
  await expect(detail.getByRole('code')).toHaveText(VALUE);
  expect((await pageHolds(page, VALUE)).markup).toBe(true);

  // Just before 30 s it is still shown; at 30 s it is gone from the page.
  await page.clock.fastForward(29_000);
  await expect(detail.getByRole('code')).toHaveText(VALUE);
  await page.clock.fastForward(1_500);
  await expect(detail.getByRole('code')).toHaveCount(0);
  await expect(detail.getByRole('button', { name: 'Reveal', exact: true })).toBeVisible();
  expect(await pageHolds(page, VALUE)).toEqual({ markup: false, fields: false });

  // Hide by hand works at once; the edit form does not put the current value in its field.
  await detail.getByRole('button', { name: 'Reveal', exact: true }).click();
  await expect(detail.getByRole('code')).toHaveText(VALUE);
  await detail.getByRole('button', { name: 'Hide', exact: true }).click();
  await expect(detail.getByRole('code')).toHaveCount(0);
  await detail.getByRole('button', { name: 'Edit', exact: true }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(NAME);
  expect(await pageHolds(page, VALUE)).toEqual({ markup: false, fields: false });
});

test('a copied value is cleared from the clipboard after its timer, and at once on lock', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: APP_ORIGIN });
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
  await page.clock.install();
  await page.goto('/');
  await createVault(page);
  await addKey(page, NAME, VALUE);
  await keyInList(page, NAME).click();
  const detail = keyDetail(page, NAME);

  await detail.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  expect(await clipboard()).toBe(VALUE);
  // Copy never puts the value in the page.
  expect(await pageHolds(page, VALUE)).toEqual({ markup: false, fields: false });

  // The default timer is 30 s (Settings): still there just before, cleared at 30 s.
  await page.clock.fastForward(29_000);
  expect(await clipboard()).toBe(VALUE);
  await page.clock.fastForward(1_500);
  await expect.poll(clipboard).toBe('');

  // Copied again, then locked long before the timer: lock clears it.
  await detail.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect.poll(clipboard).toBe(VALUE);
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  await expect.poll(clipboard).toBe('');
});

/** Live CryptoKey objects in the page, after a full garbage collection (DevTools protocol Runtime.queryObjects). */
async function liveCryptoKeys(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const proto = await cdp.send('Runtime.evaluate', { expression: 'CryptoKey.prototype' });
    const found = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId! });
    const count = await cdp.send('Runtime.callFunctionOn', { objectId: found.objects.objectId!, functionDeclaration: 'function () { return this.length; }', returnByValue: true });
    return count.result.value as number;
  } finally {
    await cdp.detach();
  }
}

/** Every string in a V8 heap snapshot of the page, taken after a full garbage collection. */
async function heapStrings(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk));
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    await cdp.detach();
  }
  return (JSON.parse(chunks.join('')) as { strings: string[] }).strings;
}

test('after Lock, no value, no decrypted name and no key is left in the page heap', async ({ page }) => {
  await page.goto('/');
  await createVault(page);
  // A fresh page: the password-strength dictionaries (megabytes of strings) are loaded only to create a vault,
  // and would make the heap snapshot take a minute.
  await page.reload();
  await unlockAndWait(page);
  // The app generates the value, so it never passes through the test's own calls into the page.
  await page.getByRole('button', { name: 'New key', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(NAME);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await keyInList(page, NAME).click();
  const detail = keyDetail(page, NAME);
  await detail.getByRole('button', { name: 'Reveal', exact: true }).click();
  const generated = (await detail.getByRole('code').textContent()) ?? '';
  expect(generated.length).toBeGreaterThanOrEqual(32);
  // Control: while unlocked, the session's keys are live objects the probe can see.
  expect(await liveCryptoKeys(page), 'CryptoKeys while unlocked').toBeGreaterThan(2);

  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  expect(await liveCryptoKeys(page), 'CryptoKeys after lock').toBe(0);
  const strings = await heapStrings(page);
  // Control: what the locked app legitimately keeps (the owner's name, for the unlock screen) is in the snapshot.
  expect(strings.some((s) => s.includes(OWNER)), 'the owner name, kept for the unlock screen').toBe(true);
  expect(strings.some((s) => s.includes(generated)), 'the value, after lock').toBe(false);
  expect(strings.some((s) => s.includes(NAME)), 'the key name (decrypted metadata), after lock').toBe(false);
});
