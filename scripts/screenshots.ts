// `npm run screenshots` (issue #17, item 8): drives the built app in headless Chromium and writes the README's pictures
// of the main screens into docs/screenshots/, so they never go stale. Dark pictures come with the dark scheme (item 7):
// add 'dark' to a shot's schemes then. The vault shown is seeded the way
// the key list's end-to-end tests seed theirs (test/e2e/list-data.ts): a backup restored on the first-run screen.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import { preview } from 'vite';
import { makeListBackup, restoreAndUnlock } from '../test/e2e/list-data';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

/** A port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, 'localhost', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

type Scheme = 'light' | 'dark';
interface Shot {
  name: string;
  width: number;
  height: number;
  schemes: readonly Scheme[];
  /** From the unlocked key list: what to open before the picture. */
  open?: (page: Page) => Promise<void>;
}

const SHOTS: readonly Shot[] = [
  { name: 'keys', width: 1280, height: 800, schemes: ['light'] },
  { name: 'keys', width: 390, height: 844, schemes: ['light'] },
  {
    name: 'key-page',
    width: 1280,
    height: 800,
    schemes: ['light'],
    open: async (page) => {
      await page.getByRole('button', { name: /^GitHub deploy token/ }).first().click();
      await page.getByRole('heading', { name: 'GitHub deploy token' }).first().waitFor();
    },
  },
  {
    name: 'audit',
    width: 1280,
    height: 800,
    schemes: ['light'],
    open: async (page) => {
      await page.getByRole('button', { name: 'Audit', exact: true }).click();
      await page.getByRole('heading', { name: /Audit/ }).first().waitFor();
    },
  },
];

async function take(browser: Browser, baseURL: string, backup: string, shot: Shot, scheme: Scheme): Promise<string> {
  const context = await browser.newContext({ baseURL, viewport: { width: shot.width, height: shot.height }, colorScheme: scheme, reducedMotion: 'reduce' });
  try {
    const page = await context.newPage();
    await restoreAndUnlock(page, backup);
    if (shot.open) await shot.open(page);
    // Let the list settle (fonts, the scheduled-work pass) before the picture.
    await page.waitForTimeout(500);
    const file = `${OUT}${shot.name}-${shot.width}${scheme === 'dark' ? '-dark' : ''}.png`;
    await page.screenshot({ path: file });
    return file;
  } finally {
    await context.close();
  }
}

if (!existsSync(new URL('../dist/index.html', import.meta.url))) {
  console.error('dist/ is missing: run `npm run build` first (`npm run screenshots` builds it).');
  process.exit(1);
}
await mkdir(OUT, { recursive: true });
const port = await freePort();
const server = await preview({ root, logLevel: 'warn', preview: { port, strictPort: true, host: 'localhost' } });
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: ['--no-sandbox', '--disable-gpu'] });
try {
  const backup = await makeListBackup();
  for (const shot of SHOTS) {
    for (const scheme of shot.schemes) console.log(`wrote ${await take(browser, `http://localhost:${port}`, backup, shot, scheme)}`);
  }
} finally {
  await browser.close();
  await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
}
