// Owns `keyward import FILE --dry-run [--json] [--format F] [--password-env VAR]`: reads another manager's export with
// the app's own reader (src/interop/read-file.ts) and prints what an import would take — the format, the normalized
// entries and the skipped items with why — and writes nothing. Importing into a vault happens in the app: the command
// line has no vault. A file's password comes from the environment variable named by --password-env, else from the
// terminal (not echoed), never from an argument.

import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { IMPORT_FORMATS, InteropError, MAX_IMPORT_BYTES, tooLarge, type ImportFormat } from '../src/interop';
import { readImportFile, type ReadResult } from '../src/interop/read-file';
import { IMPORT_USAGE } from './keyward-usage';
import { ask, CliError, parseArgs, single, usageError } from './keyward-common';


function readInput(file: string): Uint8Array {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`cannot read ${file}.`);
  }
  if (size > MAX_IMPORT_BYTES) throw new CliError(tooLarge().message);
  try {
    return new Uint8Array(readFileSync(file));
  } catch {
    throw new CliError(`cannot read ${file}.`);
  }
}

function formatOption(value: string | undefined): ImportFormat | undefined {
  if (value === undefined) return undefined;
  if (!(IMPORT_FORMATS as readonly string[]).includes(value)) throw usageError(`--format must be one of ${IMPORT_FORMATS.join(', ')}`);
  return value as ImportFormat;
}

/** The password from the variable --password-env names; undefined when the option is not given. */
function passwordFromEnv(variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const password = process.env[variable];
  if (password === undefined) throw new CliError(`the environment variable ${variable} (from --password-env) is not set.`);
  return password;
}

async function read(bytes: Uint8Array, fileName: string, format: ImportFormat | undefined, password: string | undefined, variable: string | undefined): Promise<ReadResult> {
  try {
    return await readImportFile(bytes, { fileName, format, password });
  } catch (error) {
    if (!(error instanceof InteropError)) throw error;
    if (error.code !== 'PasswordNeeded' || variable !== undefined) throw new CliError(error.message);
  }
  const asked = await ask('File password: ', 'This file’s password', 'give --password-env VAR, the name of an environment variable that holds it');
  try {
    return await readImportFile(bytes, { fileName, format, password: asked });
  } catch (error) {
    if (error instanceof InteropError) throw new CliError(error.message);
    throw error;
  }
}

function summary(result: ReadResult): string {
  const lines = [`format: ${result.format}`, `entries: ${result.entries.length}`, `skipped: ${result.skipped.length}`];
  for (const s of result.skipped) lines.push(`  - ${s.name}: ${s.reason}`);
  return lines.join('\n') + '\n';
}

export async function importFile(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { flags: ['dry-run', 'json'], valued: ['format', 'password-env'] });
  const [file, extra] = args.positional;
  if (!file || extra !== undefined || args.rest.length > 0) throw usageError(`usage: ${IMPORT_USAGE}`);
  const format = formatOption(single(args, 'format'));
  if (!args.flags.has('dry-run')) {
    throw new CliError('importing into a vault happens in the app (Import in the vault’s menu): the command line has no vault. Give --dry-run to see what the file holds.', 2);
  }
  const variable = single(args, 'password-env');
  const password = passwordFromEnv(variable);
  const result = await read(readInput(file), basename(file), format, password, variable);
  if (result.columns) process.stderr.write(`keyward: a CSV of no known manager; columns used: ${JSON.stringify(result.columns.mapping)} of ${JSON.stringify(result.columns.headers)}\n`);
  const out = { format: result.format, entries: result.entries, skipped: result.skipped.map((s) => ({ name: s.name, reason: s.reason })) };
  process.stdout.write(args.flags.has('json') ? JSON.stringify(out, null, 2) + '\n' : summary(result));
  return 0;
}
