// Owns kdbxweb's set-up: its Argon2 implementation (hash-wasm, the same in the browser and in Node) and the
// bounds a file's KDF parameters must keep, so a hostile KDBX cannot ask for gigabytes or hours.
import * as kdbxweb from 'kdbxweb';
import { argon2d, argon2id } from 'hash-wasm';
import { InteropError } from './model';

/** Argon2 bounds (KiB, passes, lanes): KeePassXC's defaults are 64 MiB, 10 passes, 2 lanes; its maximum memory is 1 GiB. */
export const ARGON2_LIMITS = { maxMemoryKiB: 1024 * 1024, maxIterations: 1000, maxParallelism: 64 } as const;

let installed = false;

/** kdbxweb with Argon2 installed; call it before loading or saving a KDBX 4 database. */
export function kdbx(): typeof kdbxweb {
  if (!installed) {
    kdbxweb.CryptoEngine.setArgon2Impl(async (password, salt, memory, iterations, length, parallelism, type, version) => {
      if (version !== 0x13) throw new InteropError('Unsupported', 'This KeePass database uses Argon2 version 1.0, which Keyward cannot open. Save it again in KeePassXC or KeePass 2.');
      if (memory > ARGON2_LIMITS.maxMemoryKiB || iterations > ARGON2_LIMITS.maxIterations || parallelism > ARGON2_LIMITS.maxParallelism || memory < 8 * parallelism || iterations < 1 || parallelism < 1) {
        throw new InteropError('Unsupported', 'This KeePass database asks for key derivation settings outside what Keyward accepts (at most 1 GiB of memory and 1,000 passes).');
      }
      const hash = type === kdbxweb.CryptoEngine.Argon2TypeArgon2id ? argon2id : argon2d;
      const out = await hash({ password: new Uint8Array(password), salt: new Uint8Array(salt), memorySize: memory, iterations, parallelism, hashLength: length, outputType: 'binary' });
      return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
    });
    installed = true;
  }
  return kdbxweb;
}
