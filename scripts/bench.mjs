// `npm run bench` (issue #7): builds the app and the bench page into dist-bench/, serves both on one
// origin (vite preview, http://localhost:4174), seeds a vault of 10,000 keys through the public vault API
// in headless Chromium, and times unlock, list render, a search keystroke, create/reveal/rotate one key
// and user-key rotation, each beside its floor measured in the same page and run. Also the JS heap after
// unlocking, the initial JS bundle (gzip) and the precached size.
//
//   npm run bench                  readable table on stdout (progress on stderr)
//   npm run bench -- --json        exactly one JSON object on stdout (progress and the table on stderr);
//                                  `npm run -s …` also drops npm's own banner lines from stdout
//   options: --keys=N (default 10000)  --runs=N (every operation N runs)
//            --skip-build (reuse dist-bench/)  --only=NAME,NAME (only these vault operations; the UI figures
//            are always measured)
//   env: CHROMIUM_PATH (default /usr/bin/chromium when it exists, else Playwright's own browser)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { initialJs, gzipBytes, precache } from '../bench/node/sizes.mjs';
import { heapUsage, measureUi } from '../bench/node/ui.mjs';
import { median, OPERATION_ORDER, summarize, toJson, toTable } from '../bench/node/report.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(root, 'dist-bench');
const BENCH_CONFIG = join(root, 'vite.bench.config.ts');
const PASSWORD = 'Bench-Harbor-Quartz-4471-lantern';
/** Must match bench/data.ts SEARCH_CHAR (the letter only ≈10% of the seeded names contain). */
const SEARCH_CHAR = 'q';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  if (hit === undefined) return fallback;
  const value = Number(hit.slice(name.length + 3));
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`--${name} must be a positive integer`);
  return value;
};
const json = flag('json');
const keys = option('keys', 10_000);
const runsOverride = option('runs', undefined);
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg === undefined ? null : new Set(onlyArg.slice('--only='.length).split(',').filter((n) => n !== ''));
const unknown = args.filter((a) => !/^--(json|skip-build|keys=\d+|runs=\d+|only=[a-z_,]+)$/.test(a));
if (unknown.length > 0) {
  console.error(`bench: unknown option(s) ${unknown.join(' ')}`);
  process.exit(2);
}

// stdout carries only the result (the table or the JSON object); everything else goes to stderr.
const log = (...parts) => console.error(...parts);
const started = Date.now();
const loadAtStart = loadavg()[0];
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

function vite(viteArgs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), ...viteArgs], { cwd: root, stdio: ['ignore', 2, 2] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite ${viteArgs.join(' ')} exited with ${code}`))));
  });
}

async function build() {
  log(`[${elapsed()}] building the app into dist-bench/ (vite.config.ts, as \`npm run build\` does for dist/)`);
  // Its own output directory: other builds of dist/ running meanwhile cannot change what is served here.
  await vite(['build', '--outDir', OUT_DIR, '--emptyOutDir', '--manifest', '--logLevel', 'warn']);
  log(`[${elapsed()}] building the bench page into dist-bench/__bench/ (vite.bench.config.ts)`);
  await vite(['build', '--config', BENCH_CONFIG]);
}

const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

function heapNote(samples) {
  const embedder = median(samples.map((h) => h.embedderHeapUsedSize ?? NaN));
  const base = 'V8 usedSize from CDP Runtime.getHeapUsage after HeapProfiler.collectGarbage';
  return Number.isFinite(embedder) ? `${base}; the DOM's own (embedder) heap adds ${(embedder / 1e6).toFixed(1)} MB` : base;
}

async function main() {
  if (!flag('skip-build')) await build();
  if (!existsSync(join(OUT_DIR, '__bench', 'index.html')) || !existsSync(join(OUT_DIR, 'index.html'))) throw new Error('dist-bench/ is incomplete: run without --skip-build');

  const js = initialJs(OUT_DIR);
  const cache = precache(OUT_DIR);

  const server = await preview({ root, configFile: BENCH_CONFIG });
  const origin = (server.resolvedUrls?.local[0] ?? 'http://localhost:4174/').replace(/\/$/, '');
  log(`[${elapsed()}] serving dist-bench/ on ${origin} (app at /, bench page at /__bench/)`);

  // A real on-disk profile: incognito contexts keep IndexedDB in memory, which would flatter every write.
  const profile = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      ...(executablePath ? { executablePath } : {}),
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1280, height: 800 },
      // The app's service worker would answer the bench page's navigation with the app (navigateFallback);
      // none of the measured work involves it.
      serviceWorkers: 'block',
    });
    // No network: only this origin.
    await context.route((url) => url.origin !== origin, (route) => route.abort());
    const browserName = `Chromium ${context.browser()?.version() ?? ''}`.trim();

    // ── seed, through the bench page (same origin as the app, so the same IndexedDB) ──
    const bench = await context.newPage();
    bench.on('console', (m) => log(`  page: ${m.text()}`));
    bench.on('pageerror', (e) => log(`  page error: ${e.message}`));
    await bench.goto(`${origin}/__bench/index.html`);
    await bench.waitForFunction(() => window.keywardBench !== undefined);
    const iterations = await bench.evaluate(() => window.keywardBench.defaultIterations);
    log(`[${elapsed()}] seeding ${keys.toLocaleString('en')} keys through Session.createKey/rotateKey (PBKDF2 ×${iterations.toLocaleString('en')})`);
    const seed = await bench.evaluate(({ keys, password }) => window.keywardBench.seed({ keys, password }), { keys, password: PASSWORD });
    log(`[${elapsed()}] seeded ${seed.keys} keys, ${seed.versions} versions in ${(seed.ms / 1000).toFixed(1)} s`);
    await bench.evaluate(() => window.keywardBench.detach());
    await bench.close();

    // ── the real app: unlock, list render, search keystroke, heap ──
    log(`[${elapsed()}] app: ${runsOverride ?? 5} page loads, each unlocked through the form, then one search keystroke`);
    const ui = await measureUi(context, { origin, password: PASSWORD, names: seed.names, searchChar: SEARCH_CHAR, runs: runsOverride ?? 5, log: (line) => log(`[${elapsed()}]${line}`) });

    // ── vault operations beside their floors, in the bench page ──
    const page = await context.newPage();
    // unlock_passkey (issue #18): a virtual CTAP2 authenticator with PRF answers the bench page's WebAuthn calls.
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, hasPrf: true },
    });
    page.on('console', (m) => log(`  page: ${m.text()}`));
    page.on('pageerror', (e) => log(`  page error: ${e.message}`));
    await page.goto(`${origin}/__bench/index.html`);
    await page.waitForFunction(() => window.keywardBench !== undefined);
    await page.evaluate((password) => window.keywardBench.attach(password), PASSWORD);
    const operations = (await page.evaluate(() => window.keywardBench.operations)).filter((op) => only === null || only.has(op.name));
    const measured = new Map();
    for (const op of operations) {
      log(`[${elapsed()}] ${op.name}: ${runsOverride ?? op.runs} runs`);
      const r = await page.evaluate(({ name, runs }) => window.keywardBench.measure(name, runs), { name: op.name, runs: runsOverride });
      const notes = Object.entries(r.splits).map(([label, values]) => `of which ${label}: ${median(values).toFixed(0)} ms`);
      measured.set(op.name, summarize(r.name, r.samples, r.floorSamples, r.floorLabels, { notes }));
      const s = measured.get(op.name);
      log(`  ${op.name}: ${s.ms.toFixed(1)} ms (runs ${r.samples.map((v) => v.toFixed(0)).join(', ')}), floor ${s.floorMs.toFixed(1)} ms, ratio ${s.ratio.toFixed(2)}`);
    }
    // The vault session alone (no UI) with every key unlocked: what the list's DOM and UI state add is the rest.
    await page.evaluate(() => window.keywardBench.unlockForHeap());
    const sessionHeap = await heapUsage(page);
    await page.evaluate(() => window.keywardBench.detach());
    await page.close();

    measured.set(
      'list_render',
      summarize('list_render', ui.listRender, ui.listFloor.map((v) => [v]), [`append ${ui.rows.toLocaleString('en')} clones of the app's row + paint`], {
        notes: [
          `of which script until the rows were in the DOM (summaries, sort, Svelte): ${median(ui.listJs).toFixed(0)} ms; then style, layout, paint: ${median(ui.listPaint).toFixed(0)} ms`,
          `only the ${ui.visibleRows} rows visible in a 1280×800 viewport: ${median(ui.listVisibleFloor).toFixed(1)} ms (what a virtualised list would paint)`,
          `"Unlock" click → list painted: ${median(ui.clickToList).toFixed(0)} ms`,
        ],
      }),
    );
    measured.set(
      'search_keystroke',
      summarize('search_keystroke', ui.search, ui.searchFloor.map((v) => [v]), [`filter ${seed.names.length.toLocaleString('en')} names with includes("${SEARCH_CHAR}")`], {
        notes: [
          `of which script until the list's DOM changed: ${median(ui.searchJs).toFixed(0)} ms (the first ${median(ui.searchQueue).toFixed(1)} ms before the keydown reached the page); then style, layout, paint: ${median(ui.searchPaint).toFixed(0)} ms`,
          `"${SEARCH_CHAR}" typed into the empty Search once the list was idle (after a forced GC): ${keys.toLocaleString('en')} → ${ui.searchMatches.toLocaleString('en')} rows; the floor filters case-folded names`,
        ],
      }),
    );

    const heap = median(ui.heap.map((h) => h.usedSize));
    const observedFiles = (ui.initialScripts ?? []).map((p) => p.replace(/^\//, '')).filter((f) => existsSync(join(OUT_DIR, f)));
    const result = {
      operations: OPERATION_ORDER.filter((n) => measured.has(n)).map((n) => measured.get(n)).concat([...measured.values()].filter((o) => !OPERATION_ORDER.includes(o.name))),
      heapBytes: heap,
      initialJsGzipBytes: js.gzipBytes,
      precacheBytes: cache.bytes,
      meta: {
        keys: seed.keys,
        versions: seed.versions,
        iterations: seed.iterations,
        browser: browserName,
        cpus: cpus().length,
        load: [loadAtStart, loadavg()[0]],
        date: new Date().toISOString().slice(0, 10),
        initialJsFiles: js.files,
        initialJsObserved: { files: observedFiles, gzip: observedFiles.reduce((s, f) => s + gzipBytes(join(OUT_DIR, f)), 0) },
        precacheFiles: cache.files.length,
        heapNote: heapNote(ui.heap),
        sessionHeapBytes: sessionHeap.usedSize,
      },
    };
    log(`[${elapsed()}] done`);
    if (json) {
      // The table goes to stderr with the progress, so one run gives both.
      log(toTable(result));
      process.stdout.write(`${JSON.stringify(toJson(result))}\n`);
    } else {
      process.stdout.write(`${toTable(result)}\n`);
    }
  } finally {
    await context?.close().catch(() => {});
    await server.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`bench: ${error?.stack ?? error}`);
  process.exit(1);
});
