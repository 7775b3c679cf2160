// Shared Playwright fixture and steps: every test fails if the app talks to another origin, breaks
// its Content-Security-Policy or throws an uncaught error; steps drive the UI by accessible names.
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';

export const APP_ORIGIN = `http://localhost:${process.env.KEYWARD_PORT ?? 4173}`;

/** PBKDF2 is calibrated to ~0.5 s or more per derivation; on a slow CI machine give it room. */
export const KDF_TIMEOUT = 45_000;

/** Long, unusual words so the strength meter accepts it on any scale. */
export const PASSWORD = 'Quartz-Harbor-Violet-8812-lantern';
export const OWNER = 'Ada Lovelace';

interface Guard {
  /** Requests seen so far, by URL, for tests that want to assert on them. */
  readonly requests: readonly string[];
  /**
   * Hands over (and forgets) the CSP violations seen so far, for a test that provokes one on purpose and asserts
   * on it; every violation not taken still fails the test at its end.
   */
  takeCspViolations(): string[];
}

function isAllowedUrl(url: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:')) return true;
  try {
    return new URL(url).origin === APP_ORIGIN;
  } catch {
    return false;
  }
}

export const test = base.extend<{ guard: Guard }>({
  guard: [
    async ({ context }, use, testInfo) => {
      const requests: string[] = [];
      const foreign: string[] = [];
      const cspViolations: string[] = [];
      const pageErrors: string[] = [];

      const onRequest = (request: { url(): string }) => {
        const url = request.url();
        requests.push(url);
        if (!isAllowedUrl(url)) foreign.push(url);
      };
      // Context-level: covers every page and, in Chromium, service-worker fetches.
      context.on('request', onRequest);

      const watchPage = (page: Page) => {
        page.on('console', (message) => {
          const text = message.text();
          if (/Content[- ]Security[- ]Policy/i.test(text)) cspViolations.push(text);
        });
        page.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
      };
      context.pages().forEach(watchPage);
      context.on('page', watchPage);
      await installCspViolationProbe(context, cspViolations);

      await use({ requests, takeCspViolations: () => cspViolations.splice(0) });

      if (requests.length > 0) {
        await testInfo.attach('requests', { body: requests.join('\n'), contentType: 'text/plain' });
      }
      expect(foreign, 'requests to an origin other than the app').toEqual([]);
      expect(cspViolations, 'Content-Security-Policy violations').toEqual([]);
      expect(pageErrors, 'uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

/**
 * Reports `securitypolicyviolation` events too: console text is what Chromium prints today, the DOM event
 * is the standard (CSP3 §5.3). Playwright's bindings and init scripts are not subject to the page's CSP.
 */
async function installCspViolationProbe(context: BrowserContext, sink: string[]): Promise<void> {
  await context.exposeBinding('__keywardCspViolation', (_source, text: string) => {
    sink.push(text);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __keywardCspViolation?: (text: string) => void }).__keywardCspViolation;
      report?.(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
}

export { expect };

// ---------------------------------------------------------------------------------------------------
// Steps, written as a person would do them.

export async function createVault(page: Page, password = PASSWORD, owner = OWNER): Promise<void> {
  await expect(page.getByRole('button', { name: 'Create vault', exact: true })).toBeVisible();
  await page.getByLabel('Your name').fill(owner);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create vault', exact: true }).click();
  await expect(page.getByRole('button', { name: 'New key', exact: true })).toBeVisible({ timeout: KDF_TIMEOUT });
}

export async function unlock(page: Page, password = PASSWORD): Promise<void> {
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
}

export async function unlockAndWait(page: Page, password = PASSWORD): Promise<void> {
  await unlock(page, password);
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toBeVisible({ timeout: KDF_TIMEOUT });
}

/** Adds a key with a typed value and waits until it is listed. */
export async function addKey(page: Page, name: string, value: string): Promise<void> {
  await page.getByRole('button', { name: 'New key', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Value', { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(keyInList(page, name)).toBeVisible();
}

/** The entry for a key in the key list: one button per key, named by the key's name (plus tags and date). */
export function keyInList(page: Page, name: string) {
  return page.getByRole('region', { name: 'Keys' }).getByRole('listitem').getByRole('button', { name });
}

/** The detail view of the selected key, an article named by the key's name. */
export function keyDetail(page: Page, name: string) {
  return page.getByRole('article', { name, exact: true });
}

/** Selects a key, reveals its value and returns the text shown. */
export async function revealValue(page: Page, name: string): Promise<string> {
  await keyInList(page, name).click();
  const detail = keyDetail(page, name);
  await detail.getByRole('button', { name: 'Reveal', exact: true }).click();
  const shown = detail.getByRole('code');
  await expect(shown).toBeVisible();
  return (await shown.textContent()) ?? '';
}
