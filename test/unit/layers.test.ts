// Keeps the layering of ARCHITECTURE.md §1 true: crypto ← interop ← storage ← vault ← ui ← shell, one index.ts
// per layer, `idb` only in storage, `svelte` only in ui and shell, the service worker only on workbox.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LAYERS = ['crypto', 'interop', 'storage', 'vault', 'ui', 'shell'] as const;
type Layer = (typeof LAYERS)[number];

/** Files directly in src/ that belong to the shell (composition root and service worker). */
const SHELL_ROOT_FILES = new Set(['main.ts', 'sw.ts']);

/** Lower layers a layer must not reach past its neighbour (ARCHITECTURE.md §1: ui never touches storage). */
const FORBIDDEN_SKIPS: Partial<Record<Layer, readonly Layer[]>> = { ui: ['storage'], storage: ['interop'] };

export interface SourceFile {
  /** Path relative to the repository root, with forward slashes, e.g. "src/vault/keys.ts". */
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  specifier: string;
  rule: 'upward' | 'not-through-index' | 'forbidden-skip' | 'idb-outside-storage' | 'svelte-outside-ui' | 'sw-imports' | 'unknown-layer' | 'feature-internals';
  message: string;
}

/** Which layer a path under src/ belongs to; 'ambient' for top-level declaration files; undefined otherwise. */
export function layerOf(path: string): Layer | 'ambient' | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'src' || parts.length < 2) return undefined;
  if (parts.length === 2) {
    const name = parts[1]!;
    if (SHELL_ROOT_FILES.has(name)) return 'shell';
    if (name.endsWith('.d.ts')) return 'ambient';
    return undefined;
  }
  const top = parts[1]!;
  return (LAYERS as readonly string[]).includes(top) ? (top as Layer) : undefined;
}

/** Strips block comments and whole-line `//` comments, so prose about imports is not read as code. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** Every module specifier in a file: static imports and re-exports (including type-only) and dynamic import(). */
export function importSpecifiers(text: string): string[] {
  const code = stripComments(text);
  const found: string[] = [];
  const staticImport = /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"\n]+)['"]/g;
  const dynamicImport = /\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g;
  for (const match of code.matchAll(staticImport)) found.push(match[1]!);
  for (const match of code.matchAll(dynamicImport)) found.push(match[1]!);
  return found;
}

/** The specifiers a file imports with import() only: lazy chunks, which may name a feature's file (docs/UI.md). */
function dynamicSpecifiers(text: string): Set<string> {
  const code = stripComments(text);
  const statics = new Set([...code.matchAll(/\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"\n]+)['"]/g)].map((m) => m[1]!));
  return new Set([...code.matchAll(/\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g)].map((m) => m[1]!).filter((s) => !statics.has(s)));
}

/**
 * A folder inside a layer (a UI feature such as src/ui/keys/, the vault's src/vault/session/) is reached from outside
 * it only through its index.ts (issue #13). `folders` are the folders the tree has, as 'src/<layer>/<name>'.
 */
function featureViolation(file: string, resolved: string, folders: ReadonlySet<string>): string | null {
  // A stylesheet is not code: App.svelte loads the shared stylesheets (src/ui/shared/*.css) by their names.
  if (resolved.endsWith('.css')) return null;
  const parts = resolved.replace(/\.(ts|js)$/, '').split('/');
  if (parts.length < 4) return null;
  const folder = parts.slice(0, 3).join('/');
  if (!folders.has(folder) || file.startsWith(`${folder}/`)) return null;
  if (parts.length === 4 && parts[3] === 'index') return null;
  return folder;
}

/** The layer an import target lands in: 'src/vault', 'src/vault/index', 'src/ui/App.svelte', './main'… */
function targetLayer(resolved: string): Layer | 'ambient' | undefined {
  const parts = resolved.split('/');
  if (parts[0] !== 'src' || parts.length < 2) return undefined;
  if (parts.length === 2) {
    const name = parts[1]!;
    if ((LAYERS as readonly string[]).includes(name)) return name as Layer;
    if (SHELL_ROOT_FILES.has(name) || SHELL_ROOT_FILES.has(`${name.replace(/\.(ts|js)$/, '')}.ts`)) return 'shell';
    return undefined;
  }
  return layerOf(resolved);
}

function isLayerIndex(resolved: string, layer: Layer): boolean {
  const withoutExtension = resolved.replace(/\.(ts|js)$/, '');
  return withoutExtension === `src/${layer}` || withoutExtension === `src/${layer}/index`;
}

/** Checks a set of files against the layer rules; returns every violation found. */
export function checkLayers(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  const folders = new Set(files.map((f) => f.path.split('/')).filter((p) => p.length > 3 && p[0] === 'src').map((p) => p.slice(0, 3).join('/')));
  for (const file of files) {
    const from = layerOf(file.path);
    if (from === 'ambient') continue;
    if (from === undefined) {
      violations.push({
        file: file.path,
        specifier: '',
        rule: 'unknown-layer',
        message: `${file.path} is outside the layers ${LAYERS.join(', ')} (update test/unit/layers.test.ts and ARCHITECTURE.md if a layer was added)`,
      });
      continue;
    }
    const isServiceWorker = file.path === 'src/sw.ts';
    const lazy = dynamicSpecifiers(file.text);
    for (const specifier of importSpecifiers(file.text)) {
      const add = (rule: Violation['rule'], message: string) =>
        violations.push({ file: file.path, specifier, rule, message: `${file.path} imports '${specifier}': ${message}` });

      if (!specifier.startsWith('.')) {
        const bare = specifier.split('/')[0]!;
        if (isServiceWorker && !bare.startsWith('workbox-')) {
          add('sw-imports', 'the service worker imports only workbox modules');
        }
        if (bare === 'idb' && from !== 'storage') add('idb-outside-storage', "only src/storage may import 'idb'");
        if (bare === 'svelte' && from !== 'ui' && from !== 'shell') {
          add('svelte-outside-ui', "only src/ui and the shell may import 'svelte'");
        }
        continue;
      }

      if (isServiceWorker) add('sw-imports', 'the service worker imports only workbox modules');
      const resolved = posix.normalize(posix.join(posix.dirname(file.path), specifier));
      const to = targetLayer(resolved);
      if (to === undefined || to === 'ambient') {
        if (!resolved.startsWith('src/')) add('unknown-layer', `resolves outside src/ (${resolved})`);
        else add('unknown-layer', `resolves to ${resolved}, which is in no layer`);
        continue;
      }
      if (to === from) {
        const folder = lazy.has(specifier) ? null : featureViolation(file.path, resolved, folders);
        if (folder !== null) add('feature-internals', `import ${folder} through its index.ts, not its internals`);
        continue;
      }
      if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) {
        add('upward', `${from} must not depend on ${to} (crypto ← storage ← vault ← ui ← shell)`);
        continue;
      }
      if (FORBIDDEN_SKIPS[from]?.includes(to)) add('forbidden-skip', `${from} must not import ${to}`);
      if (!isLayerIndex(resolved, to)) add('not-through-index', `import the ${to} layer through src/${to}/index.ts`);
    }
  }
  return violations;
}

function listSources(root: string, dir: string): SourceFile[] {
  const files: SourceFile[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      files.push(...listSources(root, full));
    } else if ((name.endsWith('.ts') || name.endsWith('.svelte')) && !name.endsWith('.test.ts')) {
      files.push({ path: relative(root, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
    }
  }
  return files;
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('layer rules', () => {
  describe('the checker itself', () => {
    it('reads static, type-only, side-effect, re-export and dynamic imports', () => {
      const text = [
        "import a from './a';",
        "import type { B } from '../b';",
        "import {\n  c,\n  type D,\n} from \"./c\";",
        "import './side-effect';",
        "export * from './e';",
        "export { f as g } from './f';",
        "const h = await import('./h');",
        "// import nope from './commented-out';",
        "/* import nope2 from './block-comment'; */",
        "export const i = 1; const s = 'from x';",
      ].join('\n');
      expect(importSpecifiers(text)).toEqual(['./a', '../b', './c', './side-effect', './e', './f', './h']);
    });

    it('catches every kind of violation in a fake tree', () => {
      const fake: SourceFile[] = [
        { path: 'src/crypto/kdf.ts', text: "import { openDb } from '../storage';" },
        { path: 'src/vault/keys.ts', text: "import type { App } from '../ui';\nimport { seal } from '../crypto/aead';" },
        { path: 'src/ui/KeyList.svelte', text: "<script lang=\"ts\">\n  import { repo } from '../storage';\n</script>" },
        { path: 'src/vault/db.ts', text: "import { openDB } from 'idb';" },
        { path: 'src/vault/state.ts', text: "import { mount } from 'svelte';" },
        { path: 'src/storage/lazy.ts', text: "const m = await import('../vault/index.ts');" },
        { path: 'src/sw.ts', text: "import { precache } from 'workbox-precaching';\nimport { x } from './vault';" },
        { path: 'src/helpers/util.ts', text: '' },
        { path: 'src/interop/kdbx.ts', text: "import { withTx } from '../storage';\nimport { parseJson } from '../crypto';" },
        { path: 'src/storage/backup.ts', text: "import { parseDotenv } from '../interop';" },
      ];
      const found = checkLayers(fake).map((v) => `${v.file} ${v.rule} ${v.specifier}`);
      expect(found).toEqual([
        'src/crypto/kdf.ts upward ../storage',
        'src/vault/keys.ts upward ../ui',
        'src/vault/keys.ts not-through-index ../crypto/aead',
        'src/ui/KeyList.svelte forbidden-skip ../storage',
        'src/vault/db.ts idb-outside-storage idb',
        'src/vault/state.ts svelte-outside-ui svelte',
        'src/storage/lazy.ts upward ../vault/index.ts',
        'src/sw.ts sw-imports ./vault',
        'src/helpers/util.ts unknown-layer ',
        'src/interop/kdbx.ts upward ../storage',
        'src/storage/backup.ts forbidden-skip ../interop',
      ]);
    });

    it('catches an import of another feature folder\'s internals, and lets its index, its own files and lazy chunks through', () => {
      const tree: SourceFile[] = [
        { path: 'src/ui/keys/index.ts', text: "export { default as KeyList } from './KeyList.svelte';" },
        { path: 'src/ui/keys/KeyList.svelte', text: "<script lang=\"ts\">\n  import { formatDate } from '../shared';\n  import Row from './Row.svelte';\n</script>" },
        { path: 'src/ui/keys/Row.svelte', text: '' },
        { path: 'src/ui/shared/index.ts', text: "export * from './format';" },
        { path: 'src/ui/shared/format.ts', text: '' },
        { path: 'src/ui/audit/AuditScreen.svelte', text: "<script lang=\"ts\">\n  import KeyList from '../keys/KeyList.svelte';\n  import { formatDate } from '../shared/format';\n  import { KeyList as K } from '../keys';\n</script>" },
        { path: 'src/ui/App.svelte', text: "<script lang=\"ts\">\n  import { KeyList } from './keys/index';\n  import Row from './keys/Row.svelte';\n  const lazy = () => import('./audit/AuditScreen.svelte');\n</script>" },
        { path: 'src/vault/vault.ts', text: "import { Session } from './session/index';\nimport { Guard } from './session/guard';" },
        { path: 'src/vault/session/index.ts', text: "export { Session } from './session';" },
        { path: 'src/vault/session/guard.ts', text: "import { denial } from '../access';" },
        { path: 'src/vault/access.ts', text: '' },
      ];
      const found = checkLayers(tree).map((v) => `${v.file} ${v.rule} ${v.specifier}`);
      expect(found).toEqual([
        'src/ui/audit/AuditScreen.svelte feature-internals ../keys/KeyList.svelte',
        'src/ui/audit/AuditScreen.svelte feature-internals ../shared/format',
        'src/ui/App.svelte feature-internals ./keys/Row.svelte',
        'src/vault/vault.ts feature-internals ./session/guard',
      ]);
    });

    it('accepts a tree that follows the rules', () => {
      const good: SourceFile[] = [
        { path: 'src/crypto/kdf.ts', text: "import { toBytes } from './bytes';" },
        { path: 'src/storage/db.ts', text: "import { openDB } from 'idb';\nimport type { Sealed } from '../crypto';" },
        { path: 'src/vault/keys.ts', text: "import { withTx } from '../storage/index';\nimport { seal } from '../crypto/index.ts';" },
        { path: 'src/ui/App.svelte', text: "<script lang=\"ts\">\n  import { onMount } from 'svelte';\n  import type { Vault } from '../vault';\n</script>" },
        { path: 'src/shell/pwa.svelte.ts', text: "import type { PwaControls } from '../ui';" },
        { path: 'src/main.ts', text: "import { mount } from 'svelte';\nimport { App } from './ui';\nimport { x } from './shell';" },
        { path: 'src/sw.ts', text: "import { precacheAndRoute } from 'workbox-precaching';" },
        { path: 'src/vite-env.d.ts', text: '/// <reference types="vite/client" />' },
      ];
      expect(checkLayers(good)).toEqual([]);
    });
  });

  it('the source tree under src/ follows the layer rules', () => {
    const files = listSources(repoRoot, join(repoRoot, 'src'));
    // Guard against a vacuous pass: the scan must see the real layers and their imports.
    expect(files.length).toBeGreaterThan(5);
    expect(files.some((f) => f.path.startsWith('src/crypto/'))).toBe(true);
    expect(files.reduce((n, f) => n + importSpecifiers(f.text).length, 0)).toBeGreaterThan(5);

    const violations = checkLayers(files);
    expect(violations.map((v) => v.message)).toEqual([]);
  });

  it('each layer index.ts only re-exports (vite.config.ts declares them free of side effects, issue #7)', () => {
    for (const layer of LAYERS) {
      const text = stripComments(readFileSync(join(repoRoot, 'src', layer, 'index.ts'), 'utf8'));
      // Whole statements: `export … from '…';` (over several lines too), and nothing else.
      const statements = text.split(';').map((s) => s.trim()).filter((s) => s !== '');
      expect(statements.length, layer).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(statement, `src/${layer}/index.ts: ${statement}`).toMatch(/^export\s+(?:type\s+)?(?:\*|\{[^}]*\})\s+from\s+['"][^'"]+['"]$/);
      }
    }
  });
});
