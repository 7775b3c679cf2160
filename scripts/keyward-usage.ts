// Owns the words of `keyward help`: one usage line per subcommand (each module cites its own in a usage error) and
// the whole usage text. It imports only the list of import formats, so `keyward help` loads no importer or vault.

import { IMPORT_FORMATS } from '../src/interop/model';

/** Words joined by ", " into lines of at most about 100 characters, joined by `separator`. */
function wrap(words: readonly string[], separator: string): string {
  const lines: string[] = [];
  for (const w of words) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + w.length < 100) lines[last] += `, ${w}`;
    else lines.push(w);
  }
  return lines.join(`,${separator}`);
}

export const DECRYPT_USAGE = 'keyward decrypt BACKUP [--out FILE] [--force] [--user NAME]';
export const VERIFY_USAGE = 'keyward verify-audit FILE';
export const IMPORT_USAGE = 'keyward import FILE --dry-run [--json] [--format F] [--password-env VAR]';
export const ENV_USAGE = 'keyward env BACKUP [--tag T | --key NAME ...] [--user NAME]';
export const RUN_USAGE = 'keyward run BACKUP [--tag T | --key NAME ...] [--user NAME] -- COMMAND ARGS ...';

export const USAGE = `usage: keyward COMMAND ...

  ${DECRYPT_USAGE}
      Recovers a backup without the app: every key, every version and the audit log as PLAINTEXT JSON, to stdout or
      to a new file with mode 0600 (--force replaces an existing one). --user opens the keys of that user.
  ${VERIFY_USAGE}
      Checks a signed audit export: OK and the signer's fingerprint, or the first bad entry.
  ${IMPORT_USAGE}
      Shows what the app would import from another manager's export (format, entries, skipped) and writes nothing.
      --json prints {"format", "entries", "skipped"}. A file's password: from the variable --password-env names,
      else asked on the terminal. --format F forces a format; F is one of:
      ${wrap(IMPORT_FORMATS, '\n      ')}.
  ${ENV_USAGE}
      Prints a .env file of those keys' current values (every key you hold when neither is given).
  ${RUN_USAGE}
      Runs COMMAND with those keys as environment variables (names in upper case, A-Z 0-9 _). Values never touch
      the disk or a command line; the command's output shows them as ****.
  keyward help

Backup passwords: KEYWARD_BACKUP_PASSWORD, and KEYWARD_VAULT_PASSWORD when the vault password was different;
otherwise they are asked on the terminal. Never give a password as an argument.
`;
