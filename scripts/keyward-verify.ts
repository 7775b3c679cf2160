// Owns `keyward verify-audit FILE`: checks a Keyward audit export (JSON) without the vault or its password. Prints
// "OK <count> entries, signed by <fingerprint>" and exits 0, or names the first bad entry and exits 1.

import { readFileSync } from 'node:fs';
import { verifyExportText } from '../src/vault/audit-export';
import { VERIFY_USAGE } from './keyward-usage';
import { parseArgs, usageError } from './keyward-common';


export async function verifyAudit(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, {});
  const [file, extra] = args.positional;
  if (!file || extra !== undefined || args.rest.length > 0) throw usageError(`usage: ${VERIFY_USAGE}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`FAILED: ${file} is not readable (${(error as NodeJS.ErrnoException).code ?? 'error'})\n`);
    return 1;
  }
  const result = await verifyExportText(text);
  if (result.ok) {
    process.stdout.write(`OK ${result.count} entries, signed by ${result.fingerprint}\n`);
    return 0;
  }
  process.stdout.write(`FAILED${result.seq !== undefined ? ` at entry ${result.seq}` : ''}: ${result.reason}\n`);
  return 1;
}
