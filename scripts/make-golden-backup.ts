// Writes test/fixtures/golden-v<N>.kwbak, N = the format version this code writes (BACKUP_VERSION): a
// backup with the password "correct horse battery staple" (vault and backup alike). Run once per format
// version with `npx tsx scripts/make-golden-backup.ts`; the file is committed and must keep restoring
// forever. It refuses to overwrite an existing golden file.

import 'fake-indexeddb/auto';
import { existsSync, writeFileSync } from 'node:fs';
import { BACKUP_VERSION, openVault } from '../src/vault';

const out = new URL(`../test/fixtures/golden-v${BACKUP_VERSION}.kwbak`, import.meta.url);
if (existsSync(out)) {
  process.stderr.write(`${out.pathname} exists: golden files are never regenerated\n`);
  process.exit(1);
}

const PASSWORD = 'correct horse battery staple';
let now = Date.UTC(2026, 10, 28, 12, 0, 0);
const vault = await openVault({ dbName: 'golden', clock: { now: () => now } });
const s = await vault.create({ ownerName: 'Golden Owner', password: PASSWORD, iterations: 600_000 });
const stripe = await s.keys.create({ name: 'Stripe live key', value: 'sk_live_golden_v1', format: 'text', tags: ['payments', 'prod'], notes: 'rotated at the provider' });
now += 86_400_000;
await s.lifecycle.rotate(stripe.id, { value: 'sk_live_golden_v2' });
now += 86_400_000;
await s.lifecycle.rotate(stripe.id, { value: 'sk_live_golden_v3' });
await s.keys.create({ name: 'GitHub deploy token', value: '6a'.repeat(32), format: 'hex', tags: ['ci'], notes: '', recipe: { bytes: 32, format: 'hex' } });
const signer = await s.keys.generate({ name: 'Release signing key', algorithm: { kind: 'ecdsa-p256' }, tags: ['release'], notes: '' });
await s.keys.export(signer.id, { part: 'public', format: 'pem' });
await s.keys.reveal(stripe.id);
now += 3_600_000;
const { bytes } = await s.backup.export({ password: PASSWORD, useVaultPassword: true });
writeFileSync(out, bytes);
process.stdout.write(`wrote ${bytes.length} bytes\n`);
