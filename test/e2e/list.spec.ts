// The key list as the home screen (issue #17, item 1), measured from element boxes in real Chromium at 1280×800 with
// two dozen keys: ten rows or more in view without scrolling, the first within 200 px of the window's top, one line per
// key with its name cut only at its end (the full name on hover and on the key page), whole badges and tags with "+N",
// totals without zeros; and the keyboard: "/" and Ctrl+K reach the search (not while typing in a field), Enter opens
// the first or the focused key, arrow keys move between rows scrolling only the list, never the page.
import type { Page } from '@playwright/test';
import { addKey, createVault, expect, keyDetail, test } from './fixtures';
import { LIST_KEYS, makeListBackup, restoreAndUnlock } from './list-data';

test.describe.configure({ timeout: 180_000 });

let backup: string;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  backup = await makeListBackup();
});

const LONG = LIST_KEYS[0]!.name;

async function openSeeded(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await restoreAndUnlock(page, backup);
  await expect(page.getByRole('list', { name: 'Keys found' }).getByRole('listitem').first()).toBeVisible();
}

/** The list box, its rows in the DOM, and what the window shows of them. */
async function measure(page: Page) {
  return page.evaluate(() => {
    const list = document.querySelector('ul[aria-label="Keys found"]')!;
    const box = list.parentElement!.getBoundingClientRect();
    const bottom = Math.min(window.innerHeight, box.bottom);
    const rows = [...list.querySelectorAll('li')].map((li) => {
      const r = li.querySelector('button')!.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: r.height, index: Number(li.getAttribute('aria-posinset')) - 1 };
    });
    const whole = rows.filter((r) => r.top >= box.top - 0.5 && r.bottom <= bottom + 0.5).sort((a, b) => a.top - b.top);
    return {
      whole: whole.length,
      firstTop: whole[0]?.top ?? Infinity,
      rowHeights: rows.map((r) => r.height),
      boxTop: box.top,
      boxBottom: box.bottom,
      listScroll: list.parentElement!.scrollTop,
      pageScroll: window.scrollY,
      pageHeight: document.documentElement.scrollHeight,
      sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
  });
}

test('at 1280×800 the list shows ten rows or more, the first near the top, one line each, nothing cut mid-word', async ({ page }) => {
  await openSeeded(page);
  const m = await measure(page);
  expect(m.whole, 'whole rows in view without scrolling').toBeGreaterThanOrEqual(10);
  expect(m.firstTop, 'the first row from the window top (px)').toBeLessThanOrEqual(200);
  expect(m.pageScroll).toBe(0);
  expect(m.pageHeight, 'the page itself does not scroll: the list box ends in the window').toBeLessThanOrEqual(800);
  expect(m.boxBottom).toBeLessThanOrEqual(800);
  expect(m.sideways, 'no sideways scroll').toBeLessThanOrEqual(0);
  for (const height of m.rowHeights) expect(height, 'a row is one line').toBeLessThanOrEqual(40);

  // Totals: only the states some key is in.
  await expect(page.getByRole('list', { name: 'Keys by state' }).getByRole('listitem')).toHaveText(['Active 22', 'Suspended 1', 'Deactivated 1']);
  await expect(page.getByRole('status').filter({ hasText: /^24 keys$/ })).toBeVisible();

  // Names: one line, an ellipsis at the end only when cut; the full name as the row's tooltip.
  const names = await page.evaluate(() =>
    [...document.querySelectorAll('ul[aria-label="Keys found"] li button')].map((button) => {
      const name = button.firstElementChild as HTMLElement;
      return {
        title: button.getAttribute('title'),
        text: name.textContent,
        cut: name.scrollWidth > name.clientWidth,
        ellipsis: getComputedStyle(name).textOverflow,
        wrap: getComputedStyle(name).whiteSpace,
        lineHeight: name.getBoundingClientRect().height,
      };
    }),
  );
  for (const name of names) {
    expect(name.title, 'the full name on hover').toBe(name.text);
    expect(name.ellipsis).toBe('ellipsis');
    expect(name.wrap).toBe('nowrap');
    expect(name.lineHeight).toBeLessThan(30);
  }
  expect(names.find((n) => n.text === LONG)?.cut, 'the long name is cut (at its end)').toBe(true);
  expect(names.find((n) => n.text === 'GitHub deploy token')?.cut, 'a short name is not cut').toBe(false);
  expect(names.find((n) => n.text === 'Sentry DSN')?.cut).toBe(false);

  // Badges and tags: every one in view is whole (inside its row, its text not clipped); the rest are wholly out of sight.
  const badges = await page.evaluate(() =>
    [...document.querySelectorAll('ul[aria-label="Keys found"] li button')].flatMap((button) => {
      const row = button.getBoundingClientRect();
      const strip = button.querySelector('.badges')!.getBoundingClientRect();
      // Those not rendered at all (display: none: the narrow row's "+N" at this width) are left out.
      return [...button.querySelectorAll('.badges > *')].filter((el) => el.getClientRects().length > 0).map((el) => {
        const r = el.getBoundingClientRect();
        const inside = r.left >= row.left - 0.5 && r.right <= row.right + 0.5 && r.top >= strip.top - 0.5 && r.bottom <= strip.bottom + 0.5;
        const hidden = r.top >= strip.bottom - 0.5;
        return { row: button.getAttribute('title'), text: el.firstChild?.textContent?.trim(), inside, hidden, clipped: el.scrollWidth > el.clientWidth + 0.5 };
      });
    }),
  );
  expect(badges.filter((b) => b.inside).length).toBeGreaterThan(20);
  for (const badge of badges) {
    expect(badge.inside || badge.hidden, `"${badge.text}" is whole or out of sight`).toBe(true);
    expect(badge.clipped, `"${badge.text}" is not cut`).toBe(false);
  }
  // The first tags, then "+N" for the rest.
  const longRow = page.getByRole('list', { name: 'Keys found' }).getByRole('button', { name: LONG });
  expect(badges.filter((b) => b.row === LONG && b.inside).map((b) => b.text)).toEqual(['Active', 'aws', 'analytics', '+2']);
  expect(badges.filter((b) => b.row === 'Datadog API key' && b.inside).map((b) => b.text)).toEqual(['Deactivated', 'monitoring', '+1']);
  await expect(longRow.getByTitle('2 more tags: production, eu-west-1')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Keys found' }).getByRole('button', { name: 'Postgres primary – app user' })).toContainText('Suspended');

  // The full name on the key page.
  await longRow.click();
  await expect(keyDetail(page, LONG).getByRole('heading', { name: LONG, exact: true })).toBeVisible();
});

test('"/" and Ctrl+K reach the search, Enter opens a key, arrow keys move through the rows and leave the page still', async ({ page }) => {
  await openSeeded(page);
  const search = page.getByLabel('Search', { exact: true });
  const rows = page.getByRole('list', { name: 'Keys found' });

  // "/" from the page puts the cursor in the search; there "/" is typed like any character.
  await page.getByRole('heading', { name: 'Keys', exact: true }).click();
  await page.keyboard.press('/');
  await expect(search).toBeFocused();
  await expect(search).toHaveValue('');
  await page.keyboard.type('stripe/');
  await expect(search).toHaveValue('stripe/');
  await search.fill('stripe live');
  await expect(page.getByRole('status').filter({ hasText: '1 of 24 keys' })).toBeVisible();

  // Enter opens the first key found.
  await page.keyboard.press('Enter');
  await expect(keyDetail(page, 'Stripe live secret key')).toBeVisible();
  await expect(search).toBeFocused();

  // Ctrl+K from a row: back to the search, its text selected for typing over.
  await search.fill('');
  await rows.getByRole('button', { name: 'GitHub deploy token' }).focus();
  await page.keyboard.press('Control+k');
  await expect(search).toBeFocused();
  await search.fill('sentry');
  await rows.getByRole('button', { name: 'Sentry DSN' }).focus();
  await page.keyboard.press('Control+k');
  await expect(search).toBeFocused();
  expect(await search.evaluate((el: HTMLInputElement) => [el.selectionStart, el.selectionEnd])).toEqual([0, 6]);
  await search.fill('');

  // Not while typing in another field: "/" is typed there and Ctrl+K leaves the cursor where it is.
  await page.getByRole('button', { name: 'New key', exact: true }).click();
  const name = page.getByLabel('Name', { exact: true });
  await name.focus();
  await page.keyboard.press('/');
  await page.keyboard.press('Control+k');
  await expect(name).toBeFocused();
  await expect(name).toHaveValue('/');
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();

  // A long key page is open, so the page could scroll; Down from the search goes to the first row, then row by row.
  await rows.getByRole('button', { name: LONG }).click();
  await expect(keyDetail(page, LONG)).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight), 'the page is taller than the window').toBe(true);
  await search.focus();
  await page.keyboard.press('ArrowDown');
  const focusedIndex = () => page.evaluate(() => Number(document.activeElement?.getAttribute('data-index')));
  expect(await focusedIndex()).toBe(0);
  for (let i = 1; i < 20; i++) {
    await page.keyboard.press('ArrowDown');
    expect(await focusedIndex()).toBe(i);
    const where = await page.evaluate(() => {
      const r = document.activeElement!.getBoundingClientRect();
      const box = document.activeElement!.closest('ul')!.parentElement!.getBoundingClientRect();
      return { inBox: r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5 && r.bottom <= window.innerHeight, page: window.scrollY };
    });
    expect(where.page, `the page stays still (row ${i})`).toBe(0);
    expect(where.inBox, `row ${i} is in view in the list`).toBe(true);
  }
  expect((await measure(page)).listScroll, 'the list scrolled itself').toBeGreaterThan(0);
  // Enter opens the focused key.
  const twentieth = (await page.evaluate(() => document.activeElement?.getAttribute('title'))) ?? '';
  await page.keyboard.press('Enter');
  await expect(keyDetail(page, twentieth)).toBeVisible();
  expect(await page.evaluate(() => window.scrollY)).toBe(0);

  await rows.getByRole('button', { name: twentieth }).focus();
  await page.keyboard.press('End');
  expect(await focusedIndex()).toBe(23);
  await expect(page.locator(':focus')).toHaveAttribute('title', 'Twilio auth token');
  await page.keyboard.press('Home');
  expect(await focusedIndex()).toBe(0);
  await page.keyboard.press('ArrowUp');
  expect(await focusedIndex()).toBe(0);
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
});

test('the backup reminder is one line over the key page: the list still starts within 200 px', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await createVault(page);
  await addKey(page, 'first key', 'value-1');
  const reminder = page.getByText('You have no backup yet.', { exact: true });
  await expect(reminder).toBeVisible();
  const note = (await reminder.locator('xpath=ancestor::div[contains(@class, "notice")][1]').boundingBox())!;
  const row = (await page.getByRole('list', { name: 'Keys found' }).getByRole('listitem').first().boundingBox())!;
  const detail = (await keyDetail(page, 'first key').boundingBox())!;
  expect(note.height, 'one line').toBeLessThanOrEqual(48);
  expect(row.y, 'the first row from the window top (px)').toBeLessThanOrEqual(200);
  expect(note.y + note.height, 'the reminder sits above the key page').toBeLessThanOrEqual(detail.y);
  expect(note.x, 'beside the list, not over it').toBeGreaterThanOrEqual(row.x + row.width);
  await page.getByRole('button', { name: 'Later (hide the backup reminder)' }).click();
  await expect(reminder).toHaveCount(0);
});
