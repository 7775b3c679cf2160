// Measures PBKDF2-HMAC-SHA256 in headless Chromium: what calibrateIterations would pick on this machine
// (≈500 ms, never below 600,000) and how long derivation takes at 600,000 and at that count.
// Run after `npm run build`: `node scripts/measure-kdf.mjs` (serves dist/ on :4181 for the page's secure context).
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
const server = await preview({ root: fileURLToPath(new URL('..', import.meta.url)), preview: { port: 4181, strictPort: true, host: 'localhost' } });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run'] });
const page = await browser.newPage();
await page.goto('http://localhost:4181/');
const r = await page.evaluate(async () => {
  const enc = new TextEncoder();
  const derive = async (it) => { const k = await crypto.subtle.importKey('raw', enc.encode('pw-pw-pw-pw'), 'PBKDF2', false, ['deriveBits']); const t = performance.now(); await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(16), iterations: it }, k, 256); return performance.now() - t; };
  await derive(1000);
  const probe = await derive(100000);
  const picked = Math.min(10_000_000, Math.max(600_000, Math.round(100000 * 500 / probe / 10000) * 10000));
  const times = [];
  for (let i = 0; i < 3; i++) times.push(await derive(600000));
  const pickedTimes = [];
  for (let i = 0; i < 3; i++) pickedTimes.push(await derive(picked));
  return { probe, picked, t600k: times, tPicked: pickedTimes };
});
console.log(JSON.stringify(r));
await browser.close(); await server.close();
