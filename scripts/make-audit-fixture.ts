// Writes test/fixtures/audit-export.json: a real signed export made by this version, from a vault in
// fake-indexeddb with a fixed clock. Run with `npx tsx scripts/make-audit-fixture.ts`; commit the output.

import 'fake-indexeddb/auto';
import { writeFileSync } from 'node:fs';
import { openVault } from '../src/vault';

let now = Date.UTC(2026, 10, 20, 9, 0, 0);
const clock = { now: () => now };
const vault = await openVault({ dbName: 'fixture', clock, kdfFloor: 100_000 });
const session = await vault.create({ ownerName: 'Ada Lovelace', password: 'correct horse battery staple', iterations: 100_000 });
const stripe = await session.keys.create({ name: 'Stripe live key', value: 'sk_live_fixture_only', format: 'text', tags: ['payments'], notes: '' });
now += 3_600_000;
await session.keys.reveal(stripe.id);
await session.keys.reveal(stripe.id, undefined, 'copy');
const signer = await session.keys.generate({ name: 'Release signing', algorithm: { kind: 'ed25519' }, tags: [], notes: '' });
now += 86_400_000;
await session.keys.export(signer.id, { part: 'public', format: 'pem' });
await session.lifecycle.rotate(stripe.id, { value: 'sk_live_fixture_v2' });
await session.lifecycle.setState(stripe.id, 'suspended');
await session.keys.reveal(stripe.id).catch(() => undefined); // denied
await session.lifecycle.setState(stripe.id, 'active');
await session.lock();
now += 60_000;
await vault.unlock({ password: 'not the password' }).catch(() => undefined);
const again = await vault.unlock({ password: 'correct horse battery staple' });
now += 60_000;
const out = await again.audit.export({}, 'json');
writeFileSync(new URL('../test/fixtures/audit-export.json', import.meta.url), out.text + '\n');
process.stdout.write(`wrote ${out.count} entries\n`);
