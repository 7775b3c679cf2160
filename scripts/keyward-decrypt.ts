// Owns `keyward decrypt BACKUP [--out FILE] [--force] [--user NAME]`: recovers a backup without the app, as PLAINTEXT
// JSON (every key's value, all versions, and the audit log), to stdout or to a new 0600 file. On any bad file it exits
// non-zero with the same words as the app and writes nothing.
//
// The owner's (or an admin's) recovery reads every version of every key they may use through session.backup.dump, the
// vault's audited read of all material that a merge uses too: suspended, pre-active, destruction-scheduled keys and
// retired versions come out as well (issue #14; a reveal refuses them, as it should in the app). Anyone else gets what
// their grants and the key states allow to reveal, and null for the rest.

import { parseJson } from '../src/crypto';
import { isAdmin, type KeySummary, type Session } from '../src/vault';
import { openBackup } from './keyward-backup';
import { DECRYPT_USAGE } from './keyward-usage';
import { parseArgs, single, usageError } from './keyward-common';
import { refuseExisting, writePrivateFile } from './keyward-files';


type Materials = Map<string, Map<number, Uint8Array | null>>;

/** Every version's material of every key this user may use, through the vault's audited dump; null when not an admin (or it fails). */
async function recoveryRead(session: Session): Promise<Materials | null> {
  if (!isAdmin(session.user.role)) return null;
  try {
    const dump = await session.backup.dump('recovery (keyward decrypt)');
    return new Map(dump.map((d) => [d.row.id, new Map(d.versions.map((v) => [v.version, v.material]))]));
  } catch (error) {
    // A recovery tool gives what it can: key by key, as for another user (a key that does not open stays null).
    process.stderr.write(`keyward: the full recovery read failed (${(error as Error).message}); reading key by key instead.\n`);
    return null;
  }
}

/** The JWK part the app's export gives for a typed key: the secret of a symmetric key, else private, else public. */
function typedPart(k: KeySummary): 'secret' | 'private' | 'public' {
  return k.algorithm && (k.algorithm.kind === 'aes-gcm' || k.algorithm.kind === 'hmac') ? 'secret' : k.hasPrivate ? 'private' : 'public';
}

function fromDump(k: KeySummary, material: Uint8Array): unknown {
  const text = new TextDecoder().decode(material);
  if (k.kind === 'secret') return text;
  const parts = parseJson(text) as Record<string, unknown>;
  const part = typedPart(k);
  return parts[part === 'private' ? 'privateKey' : part === 'public' ? 'publicKey' : 'secret'] ?? null;
}

/** A version through the session's own checks (for a user who is not an admin): null when it is not theirs to read. */
async function throughReveal(session: Session, k: KeySummary, version: number, status: string): Promise<unknown> {
  const open = async () => (k.kind === 'secret' ? await session.keys.reveal(k.id, version) : parseJson(await session.keys.export(k.id, { part: typedPart(k), format: 'jwk', version })));
  // Needs a "rotate" grant; with less, a retired version stays unread (null), the rest still comes out.
  if (status === 'retired') await session.lifecycle.setOldestUsableVersion(k.id, version).catch(() => undefined);
  return open().catch(() => null);
}

async function plaintext(session: Session, headSeq: number) {
  const recovered = await recoveryRead(session);
  const keys = [];
  for (const k of await session.keys.list()) {
    const versions = [];
    const dumped = recovered?.get(k.id);
    for (const v of (await session.keys.versions(k.id)).reverse()) {
      let material: unknown = null;
      if (v.status !== 'destroyed') {
        const bytes = dumped?.get(v.version);
        material = bytes ? fromDump(k, bytes) : await throughReveal(session, k, v.version, v.status);
      }
      versions.push({ version: v.version, createdAt: new Date(v.createdAt).toISOString(), origin: v.origin, status: v.status, compromised: v.compromised, [k.kind === 'secret' ? 'value' : 'jwk']: material });
    }
    keys.push({ id: k.id, kind: k.kind, algorithm: k.algorithm, name: k.name, tags: k.tags, notes: k.notes, state: k.state, rotation: k.rotation, history: k.history, versions });
  }
  // Only admins and auditors read the log; anyone else gets their keys without it.
  const log = await session.audit.report({}, { limit: 500 }).catch(() => null);
  if (!log) return { keys, audit: [] };
  const audit = [];
  for (let offset = 0; offset < log.total; offset += 500) {
    const page = offset === 0 ? log.page : (await session.audit.report({}, { offset, limit: 500 })).page;
    // Entries after the backup's head are this recovery's own reads, not part of the backup.
    audit.push(...page.filter((e) => e.seq <= headSeq));
  }
  return { keys, audit: audit.reverse() };
}

export async function decrypt(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { flags: ['force'], valued: ['out', 'user'] });
  const [file, extra] = args.positional;
  if (!file || extra !== undefined || args.rest.length > 0) throw usageError(`usage: ${DECRYPT_USAGE}`);
  const outFile = single(args, 'out');
  if (args.flags.has('force') && !outFile) throw usageError('--force goes with --out FILE');
  if (outFile) refuseExisting(outFile, args.flags.has('force'));
  const { session, preview } = await openBackup(file, single(args, 'user'));
  const body = {
    format: 'keyward-plaintext-export',
    warning: 'PLAINTEXT: every secret below is readable by anyone who has this file.',
    backup: { createdAt: preview.createdAt, appVersion: preview.appVersion, counts: preview.counts },
    ...(await plaintext(session, preview.header.auditHead?.seq ?? Infinity)),
  };
  const text = JSON.stringify(body, null, 2) + '\n';
  if (outFile) {
    writePrivateFile(outFile, text, args.flags.has('force'));
    process.stderr.write(`keyward: wrote ${outFile}\n`);
  } else {
    process.stdout.write(text);
  }
  process.stderr.write('keyward: WARNING: the output is PLAINTEXT. Keep it offline and delete it when done.\n');
  return 0;
}
