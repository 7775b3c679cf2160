// Keyboard and focus (issue 8 point 7): a whole session — create a vault, add a key, reveal and copy it, rotate it,
// lock and unlock — done with Tab, Shift+Tab, Enter, Space and Escape only (and typing into fields), never a click;
// and every dialog takes focus when it opens, keeps it while open, closes on Escape and gives focus back to its opener.
import type { Locator, Page } from '@playwright/test';
import { APP_ORIGIN, createVault, addKey, expect, KDF_TIMEOUT, keyDetail, keyInList, OWNER, PASSWORD, test } from './fixtures';

/** True when the element focused in the page is `target` itself. */
async function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement);
}

/** The accessible-ish description of what has focus, for failure messages. */
async function focusedDescription(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (el === null || el === document.body) return '(nothing: the page body)';
    const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? '';
    return `<${el.tagName.toLowerCase()}${el.id ? ` id="${el.id}"` : ''}> ${name}`;
  });
}

/**
 * Presses Tab (or Shift+Tab) until `target` has focus, as a person walking through the page would; fails if it is
 * not reached within `max` presses (so it is not reachable by keyboard, or is far off the expected path).
 */
async function tabTo(page: Page, target: Locator, { back = false, max = 40 } = {}): Promise<void> {
  await expect(target).toBeVisible();
  for (let i = 0; i <= max; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`not reached by ${back ? 'Shift+Tab' : 'Tab'} in ${max} presses; focus is on ${await focusedDescription(page)}`);
}

/** Focus is on an element inside `dialog`. */
async function focusInside(dialog: Locator): Promise<boolean> {
  return dialog.evaluate((d) => document.activeElement !== null && d.contains(document.activeElement) && document.activeElement !== d);
}

test('a whole session by keyboard alone: create, add, reveal, copy, rotate, lock, unlock', async ({ page, context }) => {
  test.setTimeout(240_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: APP_ORIGIN });
  const name = 'ci-deploy-token';
  const value = 'ghp_CiDeploy_7hQ2xW9kLm';
  const next = 'ghp_CiDeploy_rotated_4Rt8';

  await page.goto('/');
  // Create vault: the first field has focus; Tab through the form, Enter submits it.
  const ownerField = page.getByLabel('Your name');
  await expect(ownerField).toBeFocused();
  await page.keyboard.type(OWNER);
  await tabTo(page, page.getByLabel('Password', { exact: true }));
  await page.keyboard.type(PASSWORD);
  await tabTo(page, page.getByLabel('Confirm password', { exact: true }));
  await page.keyboard.type(PASSWORD);
  await tabTo(page, page.getByRole('button', { name: 'Create vault', exact: true }));
  await page.keyboard.press('Enter');
  const newKey = page.getByRole('button', { name: 'New key', exact: true });
  await expect(newKey).toBeVisible({ timeout: KDF_TIMEOUT });

  // New key: reach the button, Enter, fill the form by Tab, Space on the submit button.
  await tabTo(page, newKey);
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByLabel('Name', { exact: true }));
  await page.keyboard.type(name);
  await tabTo(page, page.getByLabel('Value', { exact: true }));
  await page.keyboard.type(value);
  await tabTo(page, page.getByRole('button', { name: 'Save', exact: true }));
  await page.keyboard.press('Space');
  await expect(keyInList(page, name)).toBeVisible();
  const detail = keyDetail(page, name);
  await expect(detail).toBeVisible();

  // Reveal with Space, hide with Enter; copy with Enter.
  await tabTo(page, detail.getByRole('button', { name: 'Reveal', exact: true }));
  await page.keyboard.press('Space');
  await expect(detail.getByRole('code')).toHaveText(value);
  await expect(detail.getByRole('button', { name: 'Hide', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(detail.getByRole('code')).toHaveCount(0);
  await tabTo(page, detail.getByRole('button', { name: 'Copy', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(value);

  // Rotate: the dialog opens on its field; Enter in a text area is a new line, so Tab to "Rotate" and press Enter.
  await tabTo(page, detail.getByRole('button', { name: 'Rotate now', exact: true }));
  await page.keyboard.press('Enter');
  const rotate = page.getByRole('dialog', { name: `Rotate ${name}` });
  await expect(rotate.getByLabel('New value', { exact: true })).toBeFocused();
  await page.keyboard.type(next);
  await tabTo(page, rotate.getByRole('button', { name: 'Rotate', exact: true }));
  await page.keyboard.press('Enter');
  await expect(rotate).toHaveCount(0);
  // Focus is back on the button that opened the dialog, and the current value is the new one.
  await expect(detail.getByRole('button', { name: 'Rotate now', exact: true })).toBeFocused();
  await tabTo(page, detail.getByRole('button', { name: 'Reveal', exact: true }), { back: true });
  await page.keyboard.press('Enter');
  await expect(detail.getByRole('code')).toHaveText(next);

  // Lock from the header (Shift+Tab back up the page), unlock by typing the password and Enter.
  await tabTo(page, page.getByRole('button', { name: 'Lock', exact: true }), { back: true, max: 60 });
  await page.keyboard.press('Enter');
  const password = page.getByLabel('Password', { exact: true });
  await expect(password).toBeVisible();
  await tabTo(page, password);
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toBeVisible({ timeout: KDF_TIMEOUT });

  // The key is there, and selecting it from the list by keyboard shows the rotated value.
  await tabTo(page, keyInList(page, name), { max: 60 });
  await page.keyboard.press('Enter');
  await tabTo(page, detail.getByRole('button', { name: 'Reveal', exact: true }));
  await page.keyboard.press('Enter');
  await expect(detail.getByRole('code')).toHaveText(next);
});

test('every dialog takes focus, keeps it, closes on Escape and gives focus back to its opener', async ({ page }) => {
  // Some hundred key presses, each followed by a look at the focus: minutes on a busy 2-core machine.
  test.setTimeout(300_000);
  await page.goto('/');
  await createVault(page);
  await addKey(page, 'payments-api-token', 'tok_live_9QxV2mRr7Lk3');
  await keyInList(page, 'payments-api-token').press('Enter');
  const detail = keyDetail(page, 'payments-api-token');
  await expect(detail).toBeVisible();

  const cases: { opener: Locator; dialog: Locator }[] = [
    { opener: page.getByRole('button', { name: 'Settings', exact: true }), dialog: page.getByRole('dialog', { name: 'Settings' }) },
    { opener: detail.getByRole('button', { name: 'Rotate now', exact: true }), dialog: page.getByRole('dialog', { name: 'Rotate payments-api-token' }) },
    { opener: detail.getByRole('button', { name: 'Mark compromised', exact: true }), dialog: page.getByRole('dialog', { name: 'Mark compromised' }) },
    { opener: detail.getByRole('button', { name: 'Deactivate', exact: true }), dialog: page.getByRole('dialog', { name: 'Confirm deactivate' }) },
    { opener: detail.getByRole('button', { name: 'Delete', exact: true }), dialog: page.getByRole('dialog', { name: 'Schedule destruction' }) },
    { opener: page.getByRole('button', { name: 'Export backup', exact: true }), dialog: page.getByRole('dialog', { name: 'Export backup' }) },
  ];

  await expectDialogsKeepFocus(page, cases);

  // The Audit screen's dialog too.
  await page.getByRole('button', { name: 'Audit', exact: true }).press('Enter');
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeFocused();
  await expectDialogsKeepFocus(page, [
    { opener: page.getByRole('button', { name: 'Archive and trim', exact: true }), dialog: page.getByRole('dialog', { name: 'Archive and trim the audit log' }) },
  ]);
});

/** For each opener: reached by keyboard, Enter opens a modal dialog with focus inside, Tab and Shift+Tab stay in it, Escape closes it and focus is back on the opener. */
async function expectDialogsKeepFocus(page: Page, cases: readonly { opener: Locator; dialog: Locator }[]): Promise<void> {
  for (const { opener, dialog } of cases) {
    const label = await opener.textContent();
    await tabTo(page, opener, { back: true, max: 80 });
    await page.keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    expect(await focusInside(dialog), `focus moves into the dialog opened by "${label}"`).toBe(true);
    // A modal dialog (showModal): the rest of the page is inert, for the mouse and for screen readers too.
    expect(await dialog.evaluate((d) => d.matches(':modal')), `the dialog opened by "${label}" is modal`).toBe(true);

    // Trapped: more presses than the dialog has controls, each way, and focus never leaves it.
    const controls = await dialog.evaluate((d) => d.querySelectorAll('button, input, select, textarea, a[href], [tabindex]').length);
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < controls + 2; i++) {
        await page.keyboard.press(key);
        if (!(await focusInside(dialog))) throw new Error(`after ${i + 1} × ${key} in the dialog opened by "${label}", focus left it for ${await focusedDescription(page)}`);
      }
    }

    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(opener, `focus returns to "${label}"`).toBeFocused();
  }
}
