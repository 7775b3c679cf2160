// Owns making the KeePass test fixtures in test/fixtures/interop/ once (issue #16): the same made-up database as
// KDBX 3.1 and KDBX 4 (each cipher and KDF kdbxweb writes), one without a password, and the same database exported
// to XML and re-written by the real keepassxc-cli (KDBX 3.1, as keepassxc-cli 2.7 writes it), and an empty database
// keepassxc-cli made with the password and a key file, so the tests read files KeePassXC itself wrote.
// Run: npx tsx scripts/make-keepass-fixtures.ts   (needs keepassxc-cli; rewrites the files with new UUIDs and salts)
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kdbx, KdbxGroup } from 'kdbxweb';
import { kdbx } from '../src/interop/kdbx-engine';

const DIR = join(import.meta.dirname, '..', 'test', 'fixtures', 'interop');
/** The passwords, also in src/interop/keepass-fixtures.ts, which the tests read. */
const PASSWORD = 'fixture-Pass_3.1&4';

type Lib = ReturnType<typeof kdbx>;

function addEntry(lib: Lib, db: Kdbx, group: KdbxGroup, strings: Record<string, string>, hidden: string[] = []) {
  const entry = db.createEntry(group);
  for (const [key, value] of Object.entries(strings)) entry.fields.set(key, hidden.includes(key) || key === 'Password' ? lib.ProtectedValue.fromString(value) : value);
  entry.times.creationTime = new Date(Date.UTC(2024, 2, 1, 9));
  entry.times.lastModTime = new Date(Date.UTC(2024, 5, 1, 9));
  return entry;
}

/** The fixture database: 7 live entries, 2 in the Recycle Bin, 2 history versions on "aws-prod". */
function build(lib: Lib, password: string | null): Kdbx {
  const db = lib.Kdbx.create(new lib.KdbxCredentials(password === null ? null : lib.ProtectedValue.fromString(password)), 'Fixture Vault');
  const root = db.getDefaultGroup();
  addEntry(lib, db, root, { Title: 'Root Secret', UserName: 'admin', Password: 'r00t-S3cret!', URL: '', Notes: '' });
  const cloud = db.createGroup(root, 'Cloud');
  const aws = addEntry(lib, db, cloud, { Title: 'aws-prod', UserName: 'deploy@example.test', Password: 'first-aws-pass', URL: 'https://console.aws.example.test', Notes: '' });
  aws.pushHistory();
  aws.fields.set('Password', lib.ProtectedValue.fromString('second-aws-pass'));
  aws.pushHistory();
  for (const [key, value] of Object.entries({ Password: 'aws-Current-9%', Notes: 'Production account.\nRotate every 90 days.', Region: 'eu-west-1', region: 'us-east-1', otp: 'otpauth://totp/Example:deploy?secret=JBSWY3DPEHPK3PXP&issuer=Example' })) {
    aws.fields.set(key, key === 'Password' ? lib.ProtectedValue.fromString(value) : value);
  }
  aws.fields.set('API_TOKEN', lib.ProtectedValue.fromString('tok_line1\ntok_line2'));
  const staging = db.createGroup(cloud, 'Staging');
  addEntry(lib, db, staging, { Title: '', UserName: 'deployer', Password: 'stage-pass', URL: 'https://staging.example.test/login', Notes: '' });
  addEntry(lib, db, staging, { Title: '', UserName: 'ci-bot', Password: 'bot-pass', URL: '', Notes: '' });
  const unnamed = db.createGroup(root, '');
  addEntry(lib, db, unnamed, { Title: '', UserName: '', Password: '', URL: '', Notes: '' });
  addEntry(lib, db, unnamed, { Title: 'Tray TOTP', UserName: 'tray', Password: 'tray-pass', URL: '', Notes: '', 'TOTP Seed': 'GEZD GNBV GY3T QOJQ', 'TOTP Settings': '30;6' });
  const mail = db.createGroup(root, 'Mail');
  addEntry(lib, db, mail, { Title: 'KeePass TimeOtp', UserName: 'mailer', Password: 'mail-pass', URL: 'https://mail.example.test', Notes: '', 'TimeOtp-Secret-Base32': 'KRSXG5CTMVRXEZLU', 'TimeOtp-Period': '30' });
  const bin = db.getGroup(db.meta.recycleBinUuid!)!;
  addEntry(lib, db, bin, { Title: 'deleted-key', UserName: '', Password: 'deleted-pass', URL: '', Notes: '' });
  addEntry(lib, db, db.createGroup(bin, 'Old stuff'), { Title: 'deleted-nested', UserName: '', Password: 'nested-deleted-pass', URL: '', Notes: '' });
  return db;
}

async function write(name: string, db: Kdbx) {
  writeFileSync(join(DIR, name), new Uint8Array(await db.save()));
  console.log('wrote', name);
}

function cli(args: string[], input: string) {
  const run = spawnSync('keepassxc-cli', args, { input, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`keepassxc-cli ${args[0]} failed: ${run.stderr}`);
  return run.stdout;
}

async function main() {
  const lib = kdbx();
  mkdirSync(DIR, { recursive: true });

  const v3 = build(lib, PASSWORD);
  v3.setVersion(3);
  v3.header.keyEncryptionRounds = 2000;
  await write('keepass-kdbx3-aes.kdbx', v3);

  const argon = (db: Kdbx, kdf: string, cipher: string) => {
    db.setVersion(4);
    db.setKdf(kdf);
    const params = db.header.kdfParameters!;
    params.set('M', lib.VarDictionary.ValueType.UInt64, new lib.Int64(1024 * 1024));
    params.set('I', lib.VarDictionary.ValueType.UInt64, new lib.Int64(2));
    params.set('P', lib.VarDictionary.ValueType.UInt32, 1);
    db.header.dataCipherUuid = new lib.KdbxUuid(cipher);
    return db;
  };
  await write('keepass-kdbx4-chacha20-argon2d.kdbx', argon(build(lib, PASSWORD), lib.Consts.KdfId.Argon2d, lib.Consts.CipherId.ChaCha20));
  await write('keepass-kdbx4-aes-argon2id.kdbx', argon(build(lib, PASSWORD), lib.Consts.KdfId.Argon2id, lib.Consts.CipherId.Aes));
  await write('keepass-kdbx4-nopassword.kdbx', argon(build(lib, null), lib.Consts.KdfId.Argon2d, lib.Consts.CipherId.Aes));

  const aesKdf = build(lib, PASSWORD);
  aesKdf.setVersion(4);
  aesKdf.setKdf(lib.Consts.KdfId.Aes);
  aesKdf.header.kdfParameters!.set('R', lib.VarDictionary.ValueType.UInt64, new lib.Int64(2000));
  await write('keepass-kdbx4-aeskdf.kdbx', aesKdf);

  // KeePassXC's own XML export of the KDBX 4 fixture, and the KDBX 4 database KeePassXC writes from it.
  const xml = cli(['export', '-q', '-f', 'xml', join(DIR, 'keepass-kdbx4-aes-argon2id.kdbx')], `${PASSWORD}\n`);
  writeFileSync(join(DIR, 'keepassxc-export.xml'), xml);
  console.log('wrote keepassxc-export.xml');
  const made = join(DIR, 'keepassxc-made.kdbx');
  rmSync(made, { force: true });
  cli(['import', '-q', '-p', '-t', '100', join(DIR, 'keepassxc-export.xml'), made], `${PASSWORD}\n${PASSWORD}\n`);
  console.log('wrote keepassxc-made.kdbx');

  // A database keepassxc-cli made with the password AND a key file (the key file is not kept: Keyward cannot use one).
  const keyFileDb = join(DIR, 'keepassxc-keyfile.kdbx');
  const keyFile = join(DIR, 'keepassxc-keyfile.key');
  rmSync(keyFileDb, { force: true });
  cli(['db-create', '-q', '-p', '--set-key-file', keyFile, '-t', '100', keyFileDb], `${PASSWORD}\n${PASSWORD}\n`);
  rmSync(keyFile, { force: true });
  console.log('wrote keepassxc-keyfile.kdbx');
}

await main();
