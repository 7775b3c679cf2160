// `npm run verify-audit -- FILE`: checks a Keyward audit export (JSON) without the vault or its password.
// Prints "OK <count> entries, signed by <fingerprint>" and exits 0, or names the first bad entry and exits 1.

import { readFileSync } from 'node:fs';
import { verifyExportText } from '../src/vault/audit-export';

async function main(argv: string[]): Promise<number> {
  const file = argv.find((a) => !a.startsWith('-'));
  if (!file || argv.includes('--help')) {
    process.stderr.write('usage: npm run verify-audit -- FILE\n');
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`FAILED: ${file} is not readable (${(error as Error).message})\n`);
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`FAILED: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
