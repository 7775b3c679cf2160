import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock, newVault, PASSWORD, TEST_ITERATIONS } from './helpers';
import { verifyExport, type AuditExport } from '../../src/vault';

const FIXTURE = new URL('../fixtures/audit-export.json', import.meta.url);
const fixture = (): AuditExport => JSON.parse(readFileSync(FIXTURE, 'utf8')) as AuditExport;

describe('the committed example export', () => {
  it('verifies, with its fingerprint', async () => {
    const x = fixture();
    expect(await verifyExport(x)).toEqual({ ok: true, count: 13, fingerprint: x.signer.fingerprint });
  });

  it.each<[string, (x: AuditExport) => void, { reason: RegExp; seq?: number }]>([
    ['a modified detail', (x) => void (x.entries[4]!.details.tampered = true), { reason: /modified/, seq: 5 }],
    ['a modified time', (x) => void (x.entries[2]!.at = '2026-11-20T09:00:01.000Z'), { reason: /modified/, seq: 3 }],
    ['a deleted entry', (x) => void x.entries.splice(6, 1), { reason: /out of chain/, seq: 8 }],
    ['reordered entries', (x) => void x.entries.splice(3, 2, x.entries[4]!, x.entries[3]!), { reason: /out of chain/, seq: 5 }],
    ['a truncated tail', (x) => void x.entries.pop(), { reason: /signed head/ }],
    ['a forged entry with a recomputed chain and head', (x) => {
      // A forger can recompute hashes but cannot sign: the signature check catches it.
      x.entries.pop();
      x.head = x.entries.at(-1)!.hash;
    }, { reason: /signature/ }],
    ['a changed header', (x) => void (x.vaultId = 'another-vault'), { reason: /signature/ }],
    ['a swapped fingerprint', (x) => void (x.signer.fingerprint = '0000'), { reason: /fingerprint/ }],
    // Found by fuzzing (src/vault/fuzz.test.ts): a missing field hashed like null, so this verified.
    ['a null field removed', (x) => void delete (x.entries[0] as Partial<AuditExport['entries'][number]>).version, { reason: /impossible shape/, seq: 1 }],
    ['a field of the wrong type', (x) => void ((x.entries[3] as unknown as { details: unknown }).details = 'x'), { reason: /impossible shape/, seq: 4 }],
    ['the filter removed', (x) => void delete (x as Partial<AuditExport>).filter, { reason: /missing fields/ }],
    ['another format', (x) => void ((x as { format: string }).format = 'something-else'), { reason: /not a Keyward audit export/ }],
  ])('refuses %s', async (_what, tamper, expected) => {
    const x = fixture();
    tamper(x);
    const result = await verifyExport(x);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toMatch(expected.reason);
      expect(result.seq).toBe(expected.seq);
    }
  });
});

describe('keyward verify-audit (npm run verify-audit)', () => {
  const run = (file: string) => spawnSync(process.execPath, ['scripts/keyward.mjs', 'verify-audit', file], { encoding: 'utf8' });

  it('prints OK with the count and fingerprint and exits 0', () => {
    const r = run(FIXTURE.pathname);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`OK 13 entries, signed by ${fixture().signer.fingerprint}\n`);
  });

  it('exits non-zero naming the first bad entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-audit-'));
    const x = fixture();
    x.entries[6]!.outcome = 'denied';
    const file = join(dir, 'tampered.json');
    writeFileSync(file, JSON.stringify(x));
    const r = run(file);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('FAILED at entry 7: entry was modified\n');
    writeFileSync(join(dir, 'junk.json'), '{ not json');
    expect(run(join(dir, 'junk.json')).status).toBe(1);
  });

  it('is wired as an npm script', () => {
    expect(execFileSync('npm', ['pkg', 'get', 'scripts.verify-audit'], { encoding: 'utf8' })).toContain('scripts/keyward.mjs verify-audit');
  });
});

describe('exports from a live vault', () => {
  it('JSON verifies with the fingerprint the app shows; a filter exports only matching entries', async () => {
    const clock = new FakeClock();
    const { vault } = await newVault(clock);
    const s = await vault.create({ ownerName: 'Ada', password: PASSWORD, iterations: TEST_ITERATIONS });
    const k = await s.keys.create({ name: '=HYPERLINK("x")', value: 'v1', format: 'text', tags: [], notes: '' });
    await s.keys.reveal(k.id);
    await s.keys.reveal(k.id);
    const json = await s.audit.export({ actions: ['key.reveal'] }, 'json');
    expect(json.count).toBe(2);
    expect(json.filename).toMatch(/^keyward-audit-\d{8}-\d{6}\.json$/);
    expect(await verifyExport(JSON.parse(json.text))).toEqual({ ok: true, count: 2, fingerprint: await s.audit.fingerprint() });
    const csv = await s.audit.export({}, 'csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('seq,time,actor,actor_name,action,key_id,key_name,version,outcome,details');
    expect(lines.length).toBe(1 + 5); // vault.create, key.create, 2 reveals, and the JSON export itself
    // A name that looks like a formula is neutralised for spreadsheets.
    expect(csv.text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv.text).not.toContain('v1,');
  });
});
