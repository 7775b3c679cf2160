// Owns the size figures of issue #7: the initial JS bundle (gzipped bytes of the JS that index.html
// loads before any interaction) and the total precached size (files listed in sw.js's precache manifest).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** gzip (node:zlib defaults, level 6 — what a static server typically sends) of one built file. */
export function gzipBytes(file) {
  return gzipSync(readFileSync(file)).length;
}

/**
 * The entry chunk of index.html plus its static imports, transitively (dynamic imports excluded: they
 * load on demand, e.g. the password-strength dictionaries). Read from Vite's build manifest when the
 * build wrote one (`--manifest`), otherwise from index.html's module script and modulepreload links and
 * the `import … from "./x.js"` statements of each chunk.
 */
export function initialJs(distDir) {
  const manifestFile = join(distDir, '.vite', 'manifest.json');
  let files;
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry && chunk.file.endsWith('.js'));
    const seen = new Set();
    const walk = (key) => {
      const chunk = manifest[key];
      if (!chunk || seen.has(chunk.file)) return;
      seen.add(chunk.file);
      for (const next of chunk.imports ?? []) walk(next);
    };
    for (const [key] of entries) walk(key);
    files = [...seen];
  } else {
    const html = readFileSync(join(distDir, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"|<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => (m[1] ?? m[2]).replace(/^\//, ''));
    const seen = new Set();
    const walk = (file) => {
      if (seen.has(file) || !existsSync(join(distDir, file))) return;
      seen.add(file);
      const code = readFileSync(join(distDir, file), 'utf8');
      const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
      for (const m of code.matchAll(/\bimport\s*(?:[\w*{}\s,$]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
        walk(new URL(m[1], `file:///${dir}`).pathname.slice(1));
      }
    };
    refs.forEach(walk);
    files = [...seen];
  }
  const perFile = files.map((file) => ({ file, bytes: statSync(join(distDir, file)).size, gzip: gzipBytes(join(distDir, file)) }));
  return { files: perFile, gzipBytes: perFile.reduce((s, f) => s + f.gzip, 0), bytes: perFile.reduce((s, f) => s + f.bytes, 0) };
}

/**
 * Sum of the sizes of the files in sw.js's precache manifest: workbox generateSW writes it as an array
 * of `{url:"…",revision:…}` objects — passed to `precacheAndRoute([...])`, or, with the runtime inlined
 * and minified (inlineWorkboxRuntime), to a renamed function; the objects are the same either way.
 */
export function precache(distDir) {
  const sw = readFileSync(join(distDir, 'sw.js'), 'utf8');
  const urls = [...sw.matchAll(/\{\s*url\s*:\s*(["'])([^"']+)\1\s*,\s*revision\s*:/g)].map((m) => m[2]);
  if (urls.length === 0) throw new Error('sw.js has no precache manifest ([{url:…,revision:…},…])');
  const files = urls.map((url) => {
    const file = join(distDir, decodeURIComponent(url.replace(/^\//, '').split(/[?#]/)[0]));
    if (!existsSync(file)) throw new Error(`precached file ${url} is not in ${distDir}`);
    return { url, bytes: statSync(file).size };
  });
  return { files, bytes: files.reduce((s, f) => s + f.bytes, 0) };
}
