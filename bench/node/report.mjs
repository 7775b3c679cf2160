// Owns the benchmark's output: medians, ratios, the issue-#7 targets, a readable table and the JSON object.

/** Report order of the issue-#7 operations; any other operation of bench/bench.ts follows them. */
export const OPERATION_ORDER = ['unlock', 'unlock_passkey', 'list_render', 'search_keystroke', 'create_key', 'reveal_key', 'rotate_key', 'rotate_user_key', 'backup_export', 'backup_verify', 'backup_restore', 'audit_report', 'audit_verify', 'ledger_verify', 'import_kdbx', 'import_bitwarden_json'];

/** Issue #7 targets. kB and MB are decimal (1 kB = 1,000 bytes). */
export const TARGETS = {
  ratio: 2.0,
  unlockRatio: 1.3,
  listRenderMs: 100,
  searchKeystrokeMs: 16,
  auditReportMs: 250,
  initialJsGzipBytes: 60_000,
  heapBytes: 60_000_000,
};

export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (v, digits) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * One operation's summary. `floorSamples` holds per-run rows of part timings; the floor is the median of
 * the per-run sums (parts measured in the same run add up), each part's median is kept for the table.
 */
export function summarize(name, samples, floorSamples, floorLabels, extra = {}) {
  const ms = median(samples);
  const floor = median(floorSamples.map((row) => row.reduce((s, v) => s + v, 0)));
  return {
    name,
    ms,
    floorMs: floor,
    ratio: ms / floor,
    runs: samples.length,
    min: Math.min(...samples),
    max: Math.max(...samples),
    parts: floorLabels.map((label, i) => ({ label, ms: median(floorSamples.map((row) => row[i])) })),
    ...extra,
  };
}

export function targetsOf(result) {
  const op = (name) => result.operations.find((o) => o.name === name);
  const checks = [];
  for (const o of result.operations) {
    const limit = o.name === 'unlock' ? TARGETS.unlockRatio : TARGETS.ratio;
    checks.push({ what: `${o.name} ratio ≤ ${limit.toFixed(1)}`, value: `${o.ratio.toFixed(2)}`, met: o.ratio <= limit });
  }
  const list = op('list_render');
  if (list) checks.push({ what: `list_render ≤ ${TARGETS.listRenderMs} ms`, value: `${list.ms.toFixed(0)} ms`, met: list.ms <= TARGETS.listRenderMs });
  const search = op('search_keystroke');
  if (search) checks.push({ what: `search_keystroke ≤ ${TARGETS.searchKeystrokeMs} ms`, value: `${search.ms.toFixed(1)} ms`, met: search.ms <= TARGETS.searchKeystrokeMs });
  const report = op('audit_report');
  if (report) checks.push({ what: `audit_report ≤ ${TARGETS.auditReportMs} ms`, value: `${report.ms.toFixed(0)} ms`, met: report.ms <= TARGETS.auditReportMs });
  checks.push({ what: `initial JS ≤ ${TARGETS.initialJsGzipBytes / 1000} kB gzip`, value: `${(result.initialJsGzipBytes / 1000).toFixed(1)} kB`, met: result.initialJsGzipBytes <= TARGETS.initialJsGzipBytes });
  checks.push({ what: `heap ≤ ${TARGETS.heapBytes / 1e6} MB`, value: `${(result.heapBytes / 1e6).toFixed(1)} MB`, met: result.heapBytes <= TARGETS.heapBytes });
  return checks;
}

/** Exactly the object issue #7 asks for. */
export function toJson(result) {
  return {
    operations: result.operations.map((o) => ({ name: o.name, ms: round(o.ms, 2), floor_ms: round(o.floorMs, 2), ratio: round(o.ratio, 2) })),
    heap_bytes: result.heapBytes,
    initial_js_gzip_bytes: result.initialJsGzipBytes,
    precache_bytes: result.precacheBytes,
  };
}

function pad(text, width, right = false) {
  const s = String(text);
  return right ? s.padStart(width) : s.padEnd(width);
}

const fmtMs = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

export function toTable(result) {
  const lines = [];
  const { meta } = result;
  lines.push(`Keyward benchmark — ${meta.keys.toLocaleString('en')} keys (${meta.versions.toLocaleString('en')} versions), PBKDF2 ×${meta.iterations.toLocaleString('en')}, ${meta.browser}, ${meta.cpus} CPUs, ${meta.date}`);
  lines.push(`Each figure is the median of its runs; each floor is measured in the same page, in the same runs. Load average (1 min) at start/end: ${meta.load.map((l) => l.toFixed(1)).join('/')}.`);
  lines.push('');
  const head = `${pad('operation', 18)} ${pad('ms', 9, true)} ${pad('floor ms', 9, true)} ${pad('ratio', 7, true)}  ${pad('runs', 4, true)}  ${pad('min–max ms', 15)}`;
  lines.push(head);
  lines.push('─'.repeat(head.length));
  for (const o of result.operations) {
    lines.push(`${pad(o.name, 18)} ${pad(fmtMs(o.ms), 9, true)} ${pad(fmtMs(o.floorMs), 9, true)} ${pad(o.ratio.toFixed(2), 7, true)}  ${pad(o.runs, 4, true)}  ${fmtMs(o.min)}–${fmtMs(o.max)}`);
    for (const p of o.parts) lines.push(`${pad('', 18)} ${pad('', 9)} ${pad(fmtMs(p.ms), 9, true)}   ↳ ${p.label}`);
    for (const note of o.notes ?? []) lines.push(`${pad('', 18)}   · ${note}`);
  }
  lines.push('');
  lines.push(`heap after unlocking ${meta.keys.toLocaleString('en')} keys (app, list shown, after GC): ${(result.heapBytes / 1e6).toFixed(1)} MB${meta.heapNote ? ` (${meta.heapNote})` : ''}`);
  if (meta.sessionHeapBytes) lines.push(`  the vault session alone, same keys unlocked, no UI (bench page): ${(meta.sessionHeapBytes / 1e6).toFixed(1)} MB`);
  lines.push(`initial JS (gzip): ${(result.initialJsGzipBytes / 1000).toFixed(1)} kB — ${meta.initialJsFiles.map((f) => `${f.file} ${(f.gzip / 1000).toFixed(1)} kB`).join(', ')}`);
  if (meta.initialJsObserved) lines.push(`  JS the app page loaded before any interaction (observed): ${(meta.initialJsObserved.gzip / 1000).toFixed(1)} kB gzip in ${meta.initialJsObserved.files.length} file(s)`);
  lines.push(`precache: ${(result.precacheBytes / 1e6).toFixed(2)} MB in ${meta.precacheFiles} files (sw.js manifest)`);
  lines.push('');
  lines.push('Issue #7 targets:');
  for (const c of targetsOf(result)) lines.push(`  ${c.met ? 'met   ' : 'MISSED'}  ${pad(c.what, 32)} ${c.value}`);
  return lines.join('\n');
}
