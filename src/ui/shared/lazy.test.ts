import { describe, expect, it } from 'vitest';
import { LoadError, startLoad } from './lazy';
import { errorMessage, LOAD_MESSAGES } from './messages';

describe('startLoad (code loaded on demand, issue #7)', () => {
  it('hands back the module when the import works', async () => {
    await expect(startLoad(() => Promise.resolve({ default: 42 }))).resolves.toEqual({ default: 42 });
  });

  it('turns a failed import into LoadError, which the screens put into words (never the browser’s text)', async () => {
    const failure = new TypeError('Failed to fetch dynamically imported module: https://example.test/assets/x.js');
    const error: unknown = await startLoad(() => Promise.reject(failure)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadError);
    expect((error as LoadError).cause).toBe(failure);
    expect(errorMessage(error)).toBe(LOAD_MESSAGES.failed);
    expect(errorMessage(error)).toMatch(/Reload the page/);
  });

  it('leaves no unhandled rejection when a load started early is never awaited', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      startLoad(() => Promise.reject(new TypeError('offline')));
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
