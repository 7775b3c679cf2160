// Owns what every `keyward` subcommand shares: the error that ends a command with words and an exit code, reading the
// command line's options, and asking for a password on the terminal without echoing it.

import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/** Ends a subcommand: `message` goes to stderr as "keyward: message", the process exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A wrong command line: exit code 2, as for usage errors. */
export function usageError(message: string): CliError {
  return new CliError(`${message} (keyward help shows the usage)`, 2);
}

export interface ParsedArgs {
  positional: string[];
  /** Options given without a value (--force). */
  flags: Set<string>;
  /** Options with values, each value in order (--key A --key B). */
  values: Map<string, string[]>;
  /** Everything after a lone `--`, unread. */
  rest: string[];
}

/**
 * Reads `argv` against the options a subcommand takes: `flags` take no value, `valued` take one (`--out FILE` or
 * `--out=FILE`). An unknown option or a missing value is a usage error.
 */
export function parseArgs(argv: readonly string[], spec: { flags?: readonly string[]; valued?: readonly string[] }): ParsedArgs {
  const flags = new Set(spec.flags ?? []);
  const valued = new Set(spec.valued ?? []);
  const out: ParsedArgs = { positional: [], flags: new Set(), values: new Map(), rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.rest = argv.slice(i + 1);
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      out.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (flags.has(name) && eq < 0) {
      out.flags.add(name);
    } else if (valued.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw usageError(`--${name} needs a value`);
      out.values.set(name, [...(out.values.get(name) ?? []), value]);
    } else {
      throw usageError(`unknown option ${arg}`);
    }
  }
  return out;
}

/** The one value of an option given at most once. */
export function single(args: ParsedArgs, name: string): string | undefined {
  const all = args.values.get(name) ?? [];
  if (all.length > 1) throw usageError(`--${name} is given more than once`);
  return all[0];
}

/**
 * Reads a line from the terminal without echoing it (the question goes to stderr). Without a terminal it fails:
 * `what` names what was needed and `instead` says how to give it.
 */
export async function ask(question: string, what: string, instead: string): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError(`${what} is needed and there is no terminal to ask on: ${instead}.`);
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      // Stop reading the terminal: a command run later reads it itself.
      process.stdin.pause();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}
