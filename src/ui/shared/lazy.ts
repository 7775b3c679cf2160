// Owns loading the UI's code on demand (issue #7): a chunk that cannot be fetched (offline before the service worker
// cached the app, or a connection that dropped) becomes one error, LoadError, that messages.ts puts into words —
// never a blank screen.

export class LoadError extends Error {
  override readonly name = 'LoadError';

  constructor(cause: unknown) {
    super('a part of the app could not be loaded', { cause });
  }
}

/**
 * Starts a dynamic import and returns its promise; a failure rejects with LoadError. The promise carries a no-op
 * catch, so a load started early (with the key derivation) and then not awaited is no unhandled rejection.
 */
export function startLoad<T>(load: () => Promise<T>): Promise<T> {
  const loading = load().catch((cause: unknown) => {
    throw new LoadError(cause);
  });
  loading.catch(() => undefined);
  return loading;
}
