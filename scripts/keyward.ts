// Owns the `keyward` command line (issue #16): the usage, choosing the subcommand, and how a command ends (its words on
// stderr, its exit code). Each subcommand is its own module: keyward-decrypt, keyward-verify, keyward-import, and env
// and run below over keyward-keys (choosing keys) and keyward-run (running a command). Started by keyward.mjs.

import { CliError, parseArgs, single, usageError } from './keyward-common';
import { ENV_USAGE, RUN_USAGE, USAGE } from './keyward-usage';

const KEY_OPTIONS = { valued: ['tag', 'key', 'user'] };

/** The keys `env` and `run` give: the backup opened, the keys chosen by --tag / --key, and the session locked again. */
async function chosenKeys(argv: readonly string[], usage: string, needsCommand: boolean) {
  const args = parseArgs(argv, KEY_OPTIONS);
  const [backup, extra] = args.positional;
  if (!backup || extra !== undefined || (args.rest.length > 0) !== needsCommand) throw usageError(`usage: ${usage}`);
  const { chooseKeys, scopeOf } = await import('./keyward-keys');
  const scope = scopeOf(args);
  const { openBackup } = await import('./keyward-backup');
  const { session } = await openBackup(backup, single(args, 'user'));
  const { items } = await chooseKeys(session, scope);
  await session.lock();
  return { items, rest: args.rest };
}

async function env(argv: readonly string[]): Promise<number> {
  const { items } = await chosenKeys(argv, ENV_USAGE, false);
  const { InteropError, toDotenv } = await import('../src/interop');
  try {
    process.stdout.write(toDotenv(items));
  } catch (error) {
    if (error instanceof InteropError) throw new CliError(error.message);
    throw error;
  }
  return 0;
}

async function run(argv: readonly string[]): Promise<number> {
  const { items, rest } = await chosenKeys(argv, RUN_USAGE, true);
  const { childEnvironment, runCommand } = await import('./keyward-run');
  const secrets = [...items.map((i) => i.value), process.env.KEYWARD_BACKUP_PASSWORD ?? '', process.env.KEYWARD_VAULT_PASSWORD ?? ''];
  const [command, ...commandArgs] = rest;
  return runCommand(command!, commandArgs, childEnvironment(items), secrets);
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      process.stderr.write(USAGE);
      return 2;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    case 'decrypt':
      return (await import('./keyward-decrypt')).decrypt(rest);
    case 'verify-audit':
      return (await import('./keyward-verify')).verifyAudit(rest);
    case 'import':
      return (await import('./keyward-import')).importFile(rest);
    case 'env':
      return env(rest);
    case 'run':
      return run(rest);
    default:
      throw usageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(error instanceof CliError ? `keyward: ${error.message}\n` : `keyward: unexpected failure: ${(error as Error).message}\n`);
    process.exit(error instanceof CliError ? error.exitCode : 1);
  },
);
