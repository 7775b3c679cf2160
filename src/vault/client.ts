// Owns the one-line description of this client (browser and platform) that audit entries carry, failed unlocks too.

/** A short, secret-free description of this client: browser and platform. */
export function describeClient(): string {
  const nav = (globalThis as { navigator?: { userAgent?: string; platform?: string } }).navigator;
  const ua = nav?.userAgent ?? '';
  const browser = /Edg\/(\d+)/.exec(ua)
    ? `Edge ${/Edg\/(\d+)/.exec(ua)![1]}`
    : /Firefox\/(\d+)/.exec(ua)
      ? `Firefox ${/Firefox\/(\d+)/.exec(ua)![1]}`
      : /Chrome\/(\d+)/.exec(ua)
        ? `Chrome ${/Chrome\/(\d+)/.exec(ua)![1]}`
        : /Version\/(\d+).*Safari/.exec(ua)
          ? `Safari ${/Version\/(\d+).*Safari/.exec(ua)![1]}`
          : /Node\.js\/(\d+)/.exec(ua)
            ? `Node.js ${/Node\.js\/(\d+)/.exec(ua)![1]}`
            : 'unknown browser';
  const platform = /Windows/.test(ua) ? 'Windows' : /Mac OS X|Macintosh/.test(ua) ? 'macOS' : /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /CrOS/.test(ua) ? 'ChromeOS' : /Linux/.test(ua) ? 'Linux' : (nav?.platform ?? 'unknown platform');
  return `${browser} on ${platform}`.slice(0, 80);
}
