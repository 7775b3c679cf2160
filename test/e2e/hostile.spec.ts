// Hostile input (issue 8 point 5): names, tags, notes and values that hold HTML and script render as inert text
// everywhere they are shown (list, detail, search, edit form, audit), and oversized input is refused with clear words
// and nothing saved. The fixture also fails each test on any page error or CSP / Trusted Types violation.
import { createVault, expect, keyDetail, keyInList, revealValue, test } from './fixtures';

const NAME = '<img src=x onerror="window.__pwned=1">';
const TAGS = ['<script>window.__pwned=2</script>', '<svg onload="window.__pwned=3">'];
const NOTES = '"><iframe srcdoc="<script>parent.__pwned=4</script>"></iframe><a href="javascript:window.__pwned=5">click</a>';
const VALUE = '<b onmouseover="window.__pwned=6">bold</b>{{constructor.constructor("window.__pwned=7")()}}';

test('HTML and script in a name, tags, notes and value show as text, and nothing runs', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => ((window as unknown as { __pwned: number }).__pwned = 0));
  await createVault(page);

  await page.getByRole('button', { name: 'New key', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(NAME);
  await page.getByLabel('Value', { exact: true }).fill(VALUE);
  await page.getByLabel('Tags', { exact: true }).fill(TAGS.join(', '));
  await page.getByLabel('Notes', { exact: true }).fill(NOTES);
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // The list entry and the detail view carry the payload as their text and accessible name.
  await expect(keyInList(page, NAME)).toBeVisible();
  const detail = keyDetail(page, NAME);
  await expect(detail).toBeVisible();
  await expect(detail.getByRole('heading', { name: NAME, exact: true })).toBeVisible();
  for (const tag of TAGS) await expect(detail.getByText(tag, { exact: true })).toBeVisible();
  await expect(detail.getByText(NOTES, { exact: true })).toBeVisible();
  expect(await revealValue(page, NAME)).toBe(VALUE);

  // No element the payloads describe exists anywhere in the page.
  const injected = await page.evaluate(() => ({
    img: document.querySelectorAll('img[src="x"], img[onerror]').length,
    script: [...document.querySelectorAll('script')].filter((s) => !s.src).length,
    svg: document.querySelectorAll('svg[onload]').length,
    iframe: document.querySelectorAll('iframe').length,
    javascriptLinks: document.querySelectorAll('a[href^="javascript:"]').length,
    handlers: document.querySelectorAll('[onerror], [onload], [onmouseover]').length,
  }));
  expect(injected).toEqual({ img: 0, script: 0, svg: 0, iframe: 0, javascriptLinks: 0, handlers: 0 });

  // Search by a payload, open the edit form (inputs hold it as values), hover the revealed value, visit Audit.
  await page.getByLabel('Search', { exact: true }).fill('<script>');
  await expect(keyInList(page, NAME)).toBeVisible();
  await page.getByLabel('Search', { exact: true }).fill('');
  await detail.getByRole('code').hover();
  await detail.getByRole('button', { name: 'Edit', exact: true }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(NAME);
  await expect(page.getByLabel('Notes', { exact: true })).toHaveValue(NOTES);
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  await expect(page.getByText(NAME).filter({ visible: true }).first()).toBeVisible();
  // Serialized, the page holds the payloads only escaped (&lt; in text, &quot; in attributes), never as markup.
  const html = await page.content();
  for (const payload of [NAME, ...TAGS]) expect(html).not.toContain(payload);

  expect(await page.evaluate(() => (window as unknown as { __pwned: number }).__pwned)).toBe(0);
});

test('a 10,000-character name and a 1 MB value are refused with clear words, and nothing is saved', async ({ page }) => {
  await page.goto('/');
  await createVault(page);

  await page.getByRole('button', { name: 'New key', exact: true }).click();
  const name = page.getByLabel('Name', { exact: true });
  const value = page.getByLabel('Value', { exact: true });
  await name.fill('n'.repeat(10_000));
  await value.fill('short-value');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription('Give the key a name of 1 to 200 characters, with no broken characters (shown as �).');

  await name.fill('big-value');
  await value.fill('v'.repeat(1024 * 1024));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(value).toHaveAttribute('aria-invalid', 'true');
  await expect(value).toHaveAccessibleDescription(/^Enter a value of at most 64 KB that is valid for the chosen format/);

  // Neither was saved; at the limit, it is.
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Keys' }).getByRole('listitem')).toHaveCount(0);
  await page.getByRole('button', { name: 'New key', exact: true }).click();
  await name.fill('n'.repeat(200));
  await value.fill('v'.repeat(64 * 1024));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(keyInList(page, 'n'.repeat(200))).toBeVisible();
});
