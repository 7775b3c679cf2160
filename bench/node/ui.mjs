// Owns the UI half of the benchmark: the real, built app in Chromium, unlocked through its own form.
// Everything is observed from outside (no marks in src/ui): a MutationObserver sees the list arrive,
// requestAnimationFrame + a posted message marks the first paint after it, and a wrapper around
// crypto.subtle.decrypt (installed before the app loads) marks when the last record was decrypted.
//
//   list_render       from the last record decrypted at unlock (the session's keys exist) to the first
//                     paint with the list's rows in the DOM. Includes the vault's mapping of records to
//                     summaries, the UI's search/sort of them, the DOM work, style, layout and paint.
//   list floor        the same number of rows the app put in the DOM, as clones of the app's own first
//                     row (same markup, same CSS, same list element), appended at once, then painted.
//                     Measured in the same page, after the app's rows are taken out.
//   search_keystroke  from the keydown of one character in "Search" to the first paint after the list's
//                     DOM changed.
//   search floor      filtering the N (case-folded) names with String#includes.

/** Where the list lives in the app (src/ui/components/KeyList.svelte); update here if the markup moves. */
export const LIST_SECTION = 'section[aria-labelledby="keys-title"]';
/** A key's row: a list item holding its button (the state overview above the list has items too, without buttons). */
export const ROW = `${LIST_SECTION} li:has(> button)`;

/** Installed before any app script: timestamps every resolved crypto.subtle.decrypt. */
function installProbes() {
  const probe = { lastDecryptAt: 0, decrypts: 0 };
  Object.defineProperty(window, '__keywardBench', { value: probe, configurable: true });
  const original = SubtleCrypto.prototype.decrypt;
  SubtleCrypto.prototype.decrypt = function decrypt(...args) {
    return original.apply(this, args).then((result) => {
      probe.lastDecryptAt = performance.now();
      probe.decrypts++;
      return result;
    });
  };
}

/** In page: resolves with timestamps once `rowSelector` matches and the frame after it has painted. */
function armListProbe(rowSelector) {
  const probe = window.__keywardBench;
  probe.list = new Promise((resolve) => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Unlock');
    button?.addEventListener('click', () => (probe.clickAt = performance.now()), { capture: true, once: true });
    const observer = new MutationObserver(() => {
      if (document.querySelector(rowSelector) === null) return;
      observer.disconnect();
      const domAt = performance.now();
      // Decrypts after this moment (if any) are not part of loading the list.
      const keysAt = probe.lastDecryptAt;
      const decrypts = probe.decrypts;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () =>
          resolve({ clickAt: probe.clickAt ?? NaN, keysAt, domAt, paintAt: performance.now(), decrypts, rows: document.querySelectorAll(rowSelector).length });
        channel.port2.postMessage(null);
      });
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  });
}

/** In page: resolves after the first paint following any DOM change in `sectionSelector`, timed from the next keydown. */
function armChangeProbe(sectionSelector) {
  const probe = window.__keywardBench;
  probe.change = new Promise((resolve, reject) => {
    const section = document.querySelector(sectionSelector);
    if (section === null) return reject(new Error(`no ${sectionSelector}`));
    let keyAt = NaN;
    let dispatchAt = NaN;
    window.addEventListener(
      'keydown',
      (event) => {
        dispatchAt = performance.now();
        keyAt = event.timeStamp > 0 ? event.timeStamp : dispatchAt;
      },
      { capture: true, once: true },
    );
    const observer = new MutationObserver(() => {
      observer.disconnect();
      const domAt = performance.now();
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve({ keyAt, dispatchAt, domAt, paintAt: performance.now() });
        channel.port2.postMessage(null);
      });
    });
    observer.observe(section, { childList: true, subtree: true, characterData: true });
  });
}

/**
 * In page: resolves once `selector`'s subtree has not changed for `quietMs` (at most `maxMs`). After the
 * first paint the app may still refresh the list (its due-work pass at unlock re-reads the keys).
 */
function waitQuiet({ selector, quietMs, maxMs }) {
  return new Promise((resolve) => {
    const target = document.querySelector(selector) ?? document.body;
    const start = performance.now();
    let timer;
    const done = () => {
      observer.disconnect();
      resolve(performance.now() - start);
    };
    const observer = new MutationObserver(() => {
      clearTimeout(timer);
      timer = performance.now() - start > maxMs ? setTimeout(done, 0) : setTimeout(done, quietMs);
    });
    observer.observe(target, { childList: true, subtree: true, characterData: true, attributes: true });
    timer = setTimeout(done, quietMs);
  });
}

/** In page: focuses the control of the <label> whose text is `text`. */
function focusByLabel(text) {
  const label = [...document.querySelectorAll('label')].find((l) => l.textContent.trim() === text);
  if (!label?.control) throw new Error(`no control labelled "${text}"`);
  label.control.focus();
}

/** In page: the search floor — filter N case-folded names with includes(), averaged over repetitions. */
function searchFloor({ names, char }) {
  const folded = names.map((n) => n.toLowerCase());
  const reps = 20;
  let matches = 0;
  const start = performance.now();
  for (let r = 0; r < reps; r++) matches = folded.filter((n) => n.includes(char)).length;
  return { ms: (performance.now() - start) / reps, matches };
}

/**
 * In page: the list floor. Takes the app's rows out of its list element (untimed, then a paint), then
 * times appending `count` clones of the app's first row with each name set, until the next paint; then
 * the same for only the rows that were visible in the viewport (what a virtualised list would paint).
 */
async function listFloor({ rowSelector, names, count }) {
  const paint = () => new Promise((resolve) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now());
    channel.port2.postMessage(null);
  }));
  const rows = [...document.querySelectorAll(rowSelector)];
  const first = rows[0];
  if (!first) throw new Error('no rows to clone');
  const list = first.parentElement;
  const visible = rows.filter((r) => r.getBoundingClientRect().top < window.innerHeight).length;
  const template = first.cloneNode(true);
  template.classList.remove('selected');
  // The name is the first text node that holds one of the names; found once, reached by its child path.
  const known = new Set(names);
  const walker = document.createTreeWalker(template, NodeFilter.SHOW_TEXT);
  let nameNode = null;
  for (let n = walker.nextNode(); n && nameNode === null; n = walker.nextNode()) if (known.has(n.data.trim())) nameNode = n;
  const path = [];
  for (let n = nameNode; n && n !== template; n = n.parentNode) path.unshift([...n.parentNode.childNodes].indexOf(n));
  const at = (row) => path.reduce((node, i) => node.childNodes[i], row);
  for (const r of rows) r.remove();
  await paint();
  const render = async (n) => {
    const start = performance.now();
    const fragment = document.createDocumentFragment();
    for (let i = 0; i < n; i++) {
      const row = template.cloneNode(true);
      if (nameNode !== null) at(row).data = names[i % names.length];
      fragment.append(row);
    }
    list.append(fragment);
    const end = await paint();
    list.replaceChildren();
    await paint();
    return end - start;
  };
  const all = await render(count);
  const onlyVisible = await render(visible);
  return { ms: all, rows: count, visibleMs: onlyVisible, visible };
}

/** Rejects with `message` when `promise` has not settled after `ms`. */
function within(promise, ms, message) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}

/** Process-wide heap after a forced GC (CDP), in bytes. */
export async function heapUsage(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const usage = await cdp.send('Runtime.getHeapUsage');
    return { usedSize: usage.usedSize, totalSize: usage.totalSize, embedderHeapUsedSize: usage.embedderHeapUsedSize };
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/**
 * Runs the UI measurements: `runs` fresh page loads of the app, each unlocked through the form, with one
 * search keystroke and one floor of each kind per page. Returns raw samples for the report.
 */
export async function measureUi(context, { origin, password, names, searchChar, runs, log }) {
  const out = { listRender: [], listJs: [], listPaint: [], searchJs: [], searchQueue: [], searchPaint: [], listFloor: [], listVisibleFloor: [], clickToList: [], search: [], searchFloor: [], heap: [], initialScripts: null, rows: 0, visibleRows: 0, searchMatches: 0, decrypts: 0 };
  for (let run = 0; run < runs; run++) {
    const page = await context.newPage();
    try {
      await page.addInitScript(installProbes);
      const scripts = [];
      page.on('response', (response) => {
        if (response.request().resourceType() === 'script') scripts.push(new URL(response.url()).pathname);
      });
      await page.goto(`${origin}/`);
      const passwordField = page.getByLabel('Password');
      await passwordField.waitFor();
      // The JS the page loaded before any interaction (observed, for comparison with the static figure).
      out.initialScripts ??= [...scripts];
      await passwordField.fill(password);
      await page.evaluate(armListProbe, ROW);
      await page.getByRole('button', { name: 'Unlock' }).click();
      const list = await within(
        page.evaluate(() => window.__keywardBench.list),
        300_000,
        `no key row matching ${ROW} appeared within 5 minutes of "Unlock" (did the list's markup change? see ROW in bench/node/ui.mjs)`,
      );
      if (list.keysAt === 0) throw new Error('no crypto.subtle.decrypt was seen before the list appeared');
      out.listRender.push(list.paintAt - list.keysAt);
      out.listJs.push(list.domAt - list.keysAt);
      out.listPaint.push(list.paintAt - list.domAt);
      out.clickToList.push(list.paintAt - list.clickAt);
      out.rows = list.rows;
      out.decrypts = list.decrypts;
      log(`  ui run ${run + 1}/${runs}: list of ${list.rows} rows painted ${(list.paintAt - list.keysAt).toFixed(0)} ms after the last of ${list.decrypts} decrypts (${(list.paintAt - list.clickAt).toFixed(0)} ms after "Unlock")`);

      const quietMs = await page.evaluate(waitQuiet, { selector: LIST_SECTION, quietMs: 1000, maxMs: 30_000 });
      log(`  ui run ${run + 1}/${runs}: the list was quiet for 1 s after ${(quietMs / 1000).toFixed(1)} s`);

      // Heap with every key unlocked and the whole list on screen (after a forced GC).
      out.heap.push(await heapUsage(page));

      // One keystroke into the empty search, the first after unlocking (a second one, after clearing the
      // search, would also pay for the garbage of the first and of re-rendering the whole list).
      // Found through its <label> in the page: Playwright's getByLabel scans every element, which takes
      // seconds with 10,000 rows in the DOM.
      await page.evaluate(focusByLabel, 'Search');
      await page.evaluate(armChangeProbe, LIST_SECTION);
      await page.keyboard.press(searchChar);
      const change = await within(page.evaluate(() => window.__keywardBench.change), 120_000, `typing into Search changed nothing in ${LIST_SECTION} within 2 minutes`);
      out.search.push(change.paintAt - change.keyAt);
      out.searchJs.push(change.domAt - change.keyAt);
      // Between the key event's creation and its dispatch to the page: the main thread was busy with something else.
      out.searchQueue.push(change.dispatchAt - change.keyAt);
      out.searchPaint.push(change.paintAt - change.domAt);
      // Counted natively: Playwright's own selector engine evaluates :has() in script, slowly over 10,000 rows.
      out.searchMatches = await page.evaluate((selector) => document.querySelectorAll(selector).length, ROW);
      out.searchFloor.push((await page.evaluate(searchFloor, { names, char: searchChar })).ms);
      log(`  ui run ${run + 1}/${runs}: search "${searchChar}" → ${out.searchMatches} rows painted in ${out.search.at(-1).toFixed(0)} ms`);

      const floor = await page.evaluate(listFloor, { rowSelector: ROW, names, count: list.rows });
      out.listFloor.push(floor.ms);
      out.listVisibleFloor.push(floor.visibleMs);
      out.visibleRows = floor.visible;
      log(`  ui run ${run + 1}/${runs}: list floor ${floor.ms.toFixed(0)} ms for ${floor.rows} plain rows, ${floor.visibleMs.toFixed(1)} ms for the ${floor.visible} visible ones`);
    } finally {
      await page.close();
    }
  }
  return out;
}
