// The installable-app contract: web manifest and icons, an active service worker that precaches every
// built file, and the security headers and markup the Content-Security-Policy relies on.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_ORIGIN, createVault, expect, test } from './fixtures';

const distDir = fileURLToPath(new URL('../../dist/', import.meta.url));

interface ManifestIcon {
  src: string;
  sizes: string;
  type?: string;
  purpose?: string;
}

/** Width and height from a PNG's IHDR chunk (PNG spec §11.2.2): bytes 16–23, big-endian. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString('hex'), 'PNG signature').toBe('89504e470d0a1a0a');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [relative(distDir, full).split(sep).join('/')];
  });
}

test('the manifest makes the app installable, with any and maskable PNG icons', async ({ page }) => {
  await page.goto('/');
  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(manifestHref, '<link rel="manifest"> in index.html').toBeTruthy();
  const manifestUrl = new URL(manifestHref!, page.url()).href;

  const response = await page.request.get(manifestUrl);
  expect(response.status()).toBe(200);
  const manifest = (await response.json()) as {
    name: string;
    short_name: string;
    display: string;
    start_url: string;
    scope: string;
    theme_color: string;
    background_color: string;
    icons: ManifestIcon[];
  };
  expect(manifest).toMatchObject({ name: 'Keyward', short_name: 'Keyward', display: 'standalone', start_url: './', scope: './' });
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);

  const purposes = (icon: ManifestIcon) => (icon.purpose ?? 'any').split(/\s+/);
  const anySizes = manifest.icons.filter((icon) => purposes(icon).includes('any')).map((icon) => icon.sizes);
  expect(anySizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(manifest.icons.some((icon) => purposes(icon).includes('maskable'))).toBe(true);

  for (const icon of manifest.icons) {
    const iconResponse = await page.request.get(new URL(icon.src, manifestUrl).href);
    expect(iconResponse.status(), icon.src).toBe(200);
    expect(iconResponse.headers()['content-type'], icon.src).toBe('image/png');
    const [width, height] = icon.sizes.split('x').map(Number);
    expect(pngSize(await iconResponse.body()), `${icon.src} is ${icon.sizes}`).toEqual({ width, height });
  }
});

test('an active service worker controls the app and precaches every built file', async ({ page }) => {
  await page.goto('/');
  const registration = await page.evaluate(async () => {
    const ready = await navigator.serviceWorker.ready;
    return { scope: ready.scope, state: ready.active?.state, scriptURL: ready.active?.scriptURL };
  });
  expect(registration.scope).toBe(`${APP_ORIGIN}/`);
  expect(registration.scriptURL).toBe(`${APP_ORIGIN}/sw.js`);
  await expect
    .poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state))
    .toBe('activated');

  // Prompt mode: the first worker does not claim the open page; the next load is controlled.
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${APP_ORIGIN}/sw.js`);

  const precached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
  // Everything the build wrote, except the worker and its runtime (fetched by the browser, not the cache).
  const built = listFiles(distDir).filter((file) => file !== 'sw.js' && !/^workbox-[\w-]+\.js$/.test(file));
  expect(built.length).toBeGreaterThan(5);
  expect(built.some((file) => file.startsWith('assets/') && file.endsWith('.js'))).toBe(true);
  const missing = built.filter((file) => !precached.includes(`/${file}`));
  expect(missing, 'built files the service worker does not precache').toEqual([]);
});

test('the server sends the security headers and the HTML has no inline script or style', async ({ page }) => {
  const response = await page.request.get('/');
  expect(response.status()).toBe(200);
  const headers = response.headers();
  const headerPolicy = headers['content-security-policy'] ?? '';
  expect(headerPolicy).toContain("frame-ancestors 'none'");
  // Only WebAssembly may be compiled (Argon2 for KeePass and Bitwarden imports); no JavaScript eval, no inline code.
  expect(headerPolicy).toContain("script-src 'self' 'wasm-unsafe-eval';");
  expect(headerPolicy).not.toContain('unsafe-inline');
  expect(headerPolicy).not.toContain("'unsafe-eval'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');

  const html = await response.text();
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  expect(scripts.length, 'the entry script tag').toBeGreaterThan(0);
  for (const [whole, attributes, body] of scripts) {
    expect(attributes, whole).toMatch(/\ssrc=/);
    expect(body!.trim(), whole).toBe('');
  }
  expect(html, 'inline <style> elements').not.toMatch(/<style\b/i);
  expect(html, 'inline style attributes').not.toMatch(/\sstyle=/i);
  expect(html, 'inline event handlers').not.toMatch(/\son[a-z]+=/i);

  // The meta policy is the header's minus frame-ancestors (ignored in <meta>, CSP3 §6.1.2).
  await page.goto('/');
  const metaPolicy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const directives = (policy: string) =>
    policy
      .split(';')
      .map((d) => d.trim().replace(/\s+/g, ' '))
      .filter((d) => d !== '' && !d.startsWith('frame-ancestors'))
      .sort();
  expect(directives(metaPolicy ?? '')).toEqual(directives(headerPolicy));
  expect(directives(headerPolicy)).toContain("default-src 'self'");
});

test('the browser install offer is kept and shown only when the person asks', async ({ page }) => {
  await page.goto('/');
  await createVault(page);

  // Without an offer from the browser there is nothing to install.
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings).toBeVisible();
  await expect(settings.getByRole('button', { name: 'Install app', exact: true })).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(settings).toHaveCount(0);

  // Chromium's beforeinstallprompt, as the browser would fire it once the app is installable.
  const defaultPrevented = await page.evaluate(() => {
    const event = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt: async () => {
        (window as unknown as { installPrompts: number }).installPrompts += 1;
      },
      userChoice: Promise.resolve({ outcome: 'accepted', platform: 'web' }),
    });
    (window as unknown as { installPrompts: number }).installPrompts = 0;
    window.dispatchEvent(event);
    return event.defaultPrevented;
  });
  // The shell keeps the event instead of letting the browser show its own mini-infobar.
  expect(defaultPrevented).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { installPrompts: number }).installPrompts)).toBe(0);

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await settings.getByRole('button', { name: 'Install app', exact: true }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { installPrompts: number }).installPrompts)).toBe(1);
  // A kept offer can be used once only.
  await expect(settings.getByRole('button', { name: 'Install app', exact: true })).toHaveCount(0);
});
