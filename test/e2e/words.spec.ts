// Words and states (issue #17, item 6), end to end: the texts the issue quoted are gone (no "Opening your vault…" before
// there is one, no doubled stop after a reason, "Ada Lovelace (you)" with its space, the rotate advice said once, dates
// to the minute with the exact time in a title); the page offers only what the person may do (no Remove on yourself, a
// confirmation before copying a compromised key, Edit that says when it makes a new version); outcomes sit under the
// control that caused them, styled; the unlock screen starts on whoever signed in last in this browser.
import type { Locator, Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { addKey, APP_ORIGIN, createVault, expect, KDF_TIMEOUT, keyDetail, keyInList, OWNER, test } from './fixtures';

const KEY = { name: 'Payments webhook secret', value: 'whsec_Quartz-7731-lantern' };
const MEMBER = 'Grace Hopper';
const ONE_TIME = 'Temporary-Harbor-5150';

/** Every text a status line showed since the page loaded (an init script watches the DOM). */
async function statusesSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);
}

/** A box's bottom edge to another's top edge, in CSS pixels. */
async function gapBelow(upper: Locator, lower: Locator): Promise<number> {
  const a = await upper.boundingBox();
  const b = await lower.boundingBox();
  if (a === null || b === null) throw new Error('not laid out');
  return b.y - (a.y + a.height);
}

async function addMember(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Vault' }).getByRole('button', { name: 'Users & groups', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(MEMBER);
  await page.getByLabel('One-time password', { exact: true }).fill(ONE_TIME);
  await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Member' });
  await page.getByRole('button', { name: 'Add user', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `${MEMBER} was added as member` })).toBeVisible({ timeout: KDF_TIMEOUT });
}

test('a first run never says "Opening your vault" before there is one', async ({ page, context }) => {
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __statuses: string[] }).__statuses = seen;
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('[role="status"]')) {
        const text = el.textContent?.trim() ?? '';
        if (text !== '' && !seen.includes(text)) seen.push(text);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Create vault', exact: true })).toBeVisible();
  const before = await statusesSeen(page);
  expect(before.filter((text) => /vault/i.test(text))).toEqual([]);
});

test('a compromised key: the reason once with no doubled stop, the advice once, and Copy asks first', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: APP_ORIGIN });
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
  await page.goto('/');
  await createVault(page);
  await addKey(page, KEY.name, KEY.value);
  await keyInList(page, KEY.name).click();
  const detail = keyDetail(page, KEY.name);

  // Dates to the minute; the exact time (with seconds) in the title.
  const firstEvent = detail.locator('.history time').first();
  await expect(firstEvent).not.toHaveText(/\d:\d\d:\d\d/);
  await expect(firstEvent).toHaveAttribute('title', /\d:\d\d:\d\d/);
  await expect(detail.getByRole('term').filter({ hasText: /^Created$/ }).locator('xpath=following-sibling::dd')).not.toHaveText(/\d:\d\d:\d\d/);

  // The destruction dialog's hint: whole sentences.
  await detail.getByRole('button', { name: 'Delete', exact: true }).click();
  const schedule = page.getByRole('dialog', { name: 'Schedule destruction' });
  await expect(schedule.getByText(/^The key would be destroyed on .+\. Choose 7 to 30 days\.$/)).toBeVisible();
  await schedule.getByRole('button', { name: 'Cancel', exact: true }).click();

  await detail.getByRole('button', { name: 'Mark compromised', exact: true }).click();
  const compromise = page.getByRole('dialog', { name: 'Mark compromised' });
  await compromise.getByLabel('Reason', { exact: true }).fill('Posted in the team chat (alert).');
  await compromise.getByRole('button', { name: 'Mark compromised', exact: true }).click();
  await expect(compromise).toHaveCount(0);

  const banner = detail.getByText(/^Compromised: Posted in the team chat \(alert\)\. Rotate it/);
  await expect(banner).toBeVisible();
  const pageText = (await detail.textContent()) ?? '';
  expect(pageText).not.toContain('..');
  // "Rotate … to use it again" is said once (the banner), not again in the outcome or the note.
  expect(pageText.match(/to use it again/g) ?? []).toHaveLength(1);
  const outcome = detail.getByRole('status').filter({ hasText: 'Marked compromised.' });
  await expect(outcome).toHaveText('Marked compromised.');
  // Styled as an outcome (a tinted box), right under the actions.
  expect(await outcome.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
  const gap = await gapBelow(detail.getByRole('button', { name: 'Copy', exact: true }), outcome);
  expect(gap).toBeGreaterThanOrEqual(0);
  expect(gap).toBeLessThan(40);

  // Copy asks first; Cancel copies nothing.
  await page.evaluate(() => navigator.clipboard.writeText('before'));
  await detail.getByRole('button', { name: 'Copy', exact: true }).click();
  const ask = page.getByRole('dialog', { name: 'Confirm copy' });
  await expect(ask).toContainText(`${KEY.name} is compromised (Posted in the team chat (alert)). Copy its value anyway?`);
  await expectAccessible(page, 'copy a compromised key');
  await ask.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(ask).toHaveCount(0);
  expect(await clipboard()).toBe('before');
  // "Copy anyway" copies.
  await detail.getByRole('button', { name: 'Copy', exact: true }).click();
  await ask.getByRole('button', { name: 'Copy anyway', exact: true }).click();
  await expect(detail.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  expect(await clipboard()).toBe(KEY.value);

  // Edit says when saving makes a new version.
  await detail.getByRole('button', { name: 'Edit', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toBeVisible();
  const value = page.getByLabel('New value (optional)', { exact: true });
  await expect(value).toHaveAccessibleDescription(/A new value makes version 2/);
  await value.fill('whsec_Violet-2024-harbor');
  await page.getByRole('button', { name: 'Save as version 2', exact: true }).click();
  await expect(detail.getByRole('heading', { name: KEY.name })).toBeVisible();
  await expect(detail.getByRole('table', { name: /Versions/ }).getByRole('row').filter({ hasText: 'Current' })).toContainText('2');
});

test('Users & groups: "(you)" with its space, no Remove on yourself, the outcome under the button pressed', async ({ page }) => {
  await page.goto('/');
  await createVault(page);
  await addMember(page);

  const users = page.getByRole('table', { name: 'Users' });
  const me = users.getByRole('row', { name: new RegExp(OWNER) });
  await expect(me.getByRole('rowheader')).toHaveText(new RegExp(`^${OWNER} \\(you\\)`));
  await expect(me.getByRole('button')).toHaveCount(0);
  await expect(me).toContainText('The owner stays with the vault.');
  await expect(users.getByRole('button', { name: `Remove user ${MEMBER}`, exact: true })).toBeVisible();

  // "Added" is said in the "Add a user" card, right under its button, and styled.
  const added = page.getByRole('region', { name: 'Add a user' }).getByRole('status');
  await expect(added).toContainText(`${MEMBER} was added as member`);
  const gap = await gapBelow(page.getByRole('button', { name: 'Add user', exact: true }), added);
  expect(gap).toBeGreaterThanOrEqual(0);
  expect(gap).toBeLessThan(40);
  expect(await added.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
});

test('the unlock screen starts on whoever signed in last in this browser; only the id is kept', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/');
  await createVault(page);
  await addMember(page);

  // The member signs in (with the one-time password): they are the last to have signed in here.
  await page.getByRole('button', { name: 'Switch user', exact: true }).click();
  const picker = page.getByLabel('User', { exact: true });
  await expect(picker).toHaveValue('');
  await picker.selectOption({ label: MEMBER });
  await page.getByLabel('Password', { exact: true }).fill(ONE_TIME);
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Choose your own password' })).toBeVisible({ timeout: KDF_TIMEOUT });

  const stored = await page.evaluate(() => ({ ...localStorage }));
  const remembered = stored['keyward.last-user'];
  expect(remembered).toBeTruthy();
  expect(remembered).not.toContain(MEMBER);

  // A new visit: the picker starts on them, and the password field has focus.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  await expect(page.getByLabel('User', { exact: true })).toHaveValue(remembered ?? '');
  await expect(page.getByLabel('User', { exact: true }).locator('option:checked')).toHaveText(MEMBER);
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
});
