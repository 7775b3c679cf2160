// Keeps modules small (issue #13): no source file under src/ over 500 lines and no class over 30 members
// (methods and accessors, private ones included). A file or class that grows past them is a concern to split.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAX_LINES = 500;
const MAX_MEMBERS = 30;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** Classes in a file and how many methods and accessors each declares (the constructor not counted). */
export function classSizes(fileName: string, text: string): { name: string; members: number }[] {
  const code = fileName.endsWith('.svelte') ? [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n') : text;
  const sf = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: { name: string; members: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      const members = node.members.filter((m) => ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m));
      // A getter and a setter of one name are one member.
      const names = new Set(members.map((m) => (m.name ? m.name.getText(sf) : '')));
      out.push({ name: node.name?.text ?? '(anonymous)', members: names.size });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const files = sources(join(ROOT, 'src')).map((path) => ({ path: relative(ROOT, path).split('\\').join('/'), text: readFileSync(path, 'utf8') }));

describe('module size', () => {
  it('sees the source tree (not a vacuous pass)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.path === 'src/vault/session/session.ts')).toBe(true);
  });

  it(`no source file under src/ is over ${MAX_LINES} lines`, () => {
    const long = files.map((f) => ({ path: f.path, lines: f.text.split('\n').length })).filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it(`no class has more than ${MAX_MEMBERS} methods and accessors`, () => {
    const big = files.flatMap((f) => classSizes(f.path, f.text).filter((c) => c.members > MAX_MEMBERS).map((c) => `${f.path} ${c.name}: ${c.members}`));
    expect(big).toEqual([]);
  });

  it('counts what it should: methods, accessors once per name, private members; not the constructor', () => {
    const sizes = classSizes('x.ts', 'class A { constructor() {} a() {} #b() {} get c() { return 1 } set c(v) {} static d() {} e = 1 } class B {}');
    expect(sizes).toEqual([{ name: 'A', members: 4 }, { name: 'B', members: 0 }]);
  });
});
