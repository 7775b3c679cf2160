// Tests the clipboard guard: the timed clear, the clear on lock and when the tab closes, and what the tabs tell each
// other about the clipboard (never the value), with a fake clipboard that refuses writes from a page without focus.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TabSync, type TabMessage } from '../../vault';
import type { DeviceControls } from '../contracts';
import { ClipboardGuard, type ClipboardPeers, type PageEvents } from './clipboard.svelte';
import type { KeyId } from '../../vault';

const VALUE = 'kw-unit-clipboard-S3cr3t';
const KEY = 'key-0001' as KeyId;

/** The system clipboard, shared by every tab; only the focused tab may write it (as in Chromium). */
class FakeClipboard {
  text = '';
  focused: Tab | null = null;
  writes = 0;
}

/** Every tab's announcements reach the other tabs (not itself), asynchronously like a BroadcastChannel. */
class FakeBus {
  readonly said: TabMessage[] = [];
  readonly #tabs = new Set<{ from: object; fn: (m: TabMessage) => void }>();
  peers(from: object): ClipboardPeers {
    return {
      announce: (message) => {
        this.said.push(message);
        for (const tab of this.#tabs) if (tab.from !== from) queueMicrotask(() => tab.fn(structuredClone(message)));
      },
      listen: (fn) => {
        const entry = { from, fn };
        this.#tabs.add(entry);
        return () => this.#tabs.delete(entry);
      },
    };
  }
}

class FakePage implements PageEvents {
  readonly listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, fn: () => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(fn);
  }
  removeEventListener(type: string, fn: () => void): void {
    this.listeners.get(type)?.delete(fn);
  }
  count(type: string): number {
    return this.listeners.get(type)?.size ?? 0;
  }
  fire(type: string): void {
    for (const fn of [...(this.listeners.get(type) ?? [])]) fn();
  }
}

class Tab {
  readonly page = new FakePage();
  readonly guard: ClipboardGuard;
  constructor(
    readonly clipboard: FakeClipboard,
    bus: FakeBus | null,
  ) {
    const device = {
      writeClipboard: async (text: string) => {
        await Promise.resolve();
        if (clipboard.focused !== this) throw new DOMException('Document is not focused.', 'NotAllowedError');
        clipboard.text = text;
        clipboard.writes += 1;
      },
    } as unknown as DeviceControls;
    this.guard = new ClipboardGuard(device, { peers: bus?.peers(this) ?? null, page: this.page });
  }
  focus(): void {
    this.clipboard.focused = this;
  }
}

/** Lets queued messages and the clipboard writes they start settle (fake timers do not hold microtasks). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function twoTabs() {
  const clipboard = new FakeClipboard();
  const bus = new FakeBus();
  return { clipboard, bus, a: new Tab(clipboard, bus), b: new Tab(clipboard, bus) };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('one tab', () => {
  it('clears after the timer, at lock, and when the browser refused, on the next focus', async () => {
    const clipboard = new FakeClipboard();
    const tab = new Tab(clipboard, null);
    tab.focus();
    await tab.guard.copy(KEY, VALUE, 30);
    expect([clipboard.text, tab.guard.copiedKey, tab.guard.clearSeconds]).toEqual([VALUE, KEY, 30]);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(clipboard.text).toBe(VALUE);
    await vi.advanceTimersByTimeAsync(1_000);
    expect([clipboard.text, tab.guard.copiedKey]).toEqual(['', null]);

    // Refused while another window has focus: retried when the page gets focus again, and only once.
    await tab.guard.copy(KEY, VALUE, 30);
    clipboard.focused = null;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(clipboard.text).toBe(VALUE);
    tab.focus();
    tab.guard.retryPendingClear();
    await settle();
    expect(clipboard.text).toBe('');
    const writes = clipboard.writes;
    tab.guard.retryPendingClear();
    await tab.guard.clear();
    expect(clipboard.writes).toBe(writes);
  });

  it('listens to the page only while its copy may be on the clipboard: beforeunload clears it', async () => {
    const clipboard = new FakeClipboard();
    const tab = new Tab(clipboard, null);
    tab.focus();
    expect([tab.page.count('beforeunload'), tab.page.count('pagehide')]).toEqual([0, 0]);
    await tab.guard.copy(KEY, VALUE, 30);
    expect([tab.page.count('beforeunload'), tab.page.count('pagehide')]).toEqual([1, 1]);
    tab.page.fire('beforeunload');
    await settle();
    expect(clipboard.text).toBe('');
    expect([tab.page.count('beforeunload'), tab.page.count('pagehide')]).toEqual([0, 0]);
    // A second copy registers once, not twice.
    await tab.guard.copy(KEY, VALUE, 30);
    await tab.guard.copy(KEY, VALUE, 30);
    expect([tab.page.count('beforeunload'), tab.page.count('pagehide')]).toEqual([1, 1]);
  });
});

describe('several tabs', () => {
  it('a tab closing behind another asks for the clear, and the tab with focus clears at once', async () => {
    const { clipboard, bus, a, b } = twoTabs();
    a.focus();
    await a.guard.copy(KEY, VALUE, 30);
    await settle();
    b.focus();
    // A closes from behind B: its own clear is refused, pagehide asks, B clears.
    a.page.fire('beforeunload');
    a.page.fire('pagehide');
    await settle();
    expect(clipboard.text).toBe('');
    const states = bus.said.map((m) => (m.type === 'clipboard' ? m.state : m.type));
    expect(states[0]).toBe('copied');
    expect(new Set(states)).toEqual(new Set(['copied', 'needs-clear', 'cleared']));
  });

  it('a tab that hears the request without focus stays quiet and clears when it gets focus, unless another did', async () => {
    const clipboard = new FakeClipboard();
    const bus = new FakeBus();
    const [a, b, c] = [new Tab(clipboard, bus), new Tab(clipboard, bus), new Tab(clipboard, bus)];
    a.focus();
    await a.guard.copy(KEY, VALUE, 30);
    clipboard.focused = null; // another application is in front
    a.page.fire('pagehide');
    await settle();
    expect(clipboard.text).toBe(VALUE);
    // Neither B nor C echoed the request: only A asked.
    expect(bus.said.filter((m) => m.type === 'clipboard' && m.state === 'needs-clear')).toHaveLength(1);
    b.focus();
    b.guard.retryPendingClear();
    await settle();
    expect(clipboard.text).toBe('');
    // B said it is cleared: C, focused later after something else was copied, leaves that alone.
    clipboard.text = 'copied elsewhere';
    c.focus();
    c.guard.retryPendingClear();
    await settle();
    expect(clipboard.text).toBe('copied elsewhere');
  });

  it('a lock where the person is clears another tab copy at once, and that tab does not clear again later', async () => {
    const { clipboard, a, b } = twoTabs();
    a.focus();
    await a.guard.copy(KEY, VALUE, 30);
    await settle();
    b.focus();
    // "Lock" in B: every tab locks (each clears); A has no focus, B clears what A copied.
    const lockA = a.guard.clear();
    await b.guard.clear();
    await lockA;
    await settle();
    expect(clipboard.text).toBe('');
    clipboard.text = 'copied elsewhere';
    a.focus();
    a.guard.retryPendingClear();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(clipboard.text).toBe('copied elsewhere');
  });

  it('a tab that did not hear the copy (opened later) clears it when the copying tab asks', async () => {
    const clipboard = new FakeClipboard();
    const bus = new FakeBus();
    const a = new Tab(clipboard, bus);
    a.focus();
    await a.guard.copy(KEY, VALUE, 30);
    const b = new Tab(clipboard, bus);
    b.focus();
    await b.guard.clear(); // B's own lock: it knows of no copy
    expect(clipboard.text).toBe(VALUE);
    await a.guard.clear(); // A locks too, refused: it asks, B clears
    await settle();
    expect(clipboard.text).toBe('');
  });

  it('a copy in another tab replaces ours: our timer no longer clears theirs early, a lock still clears it', async () => {
    const { clipboard, a, b } = twoTabs();
    a.focus();
    await a.guard.copy(KEY, 'first value', 30);
    await vi.advanceTimersByTimeAsync(20_000);
    b.focus();
    await b.guard.copy(KEY, VALUE, 30);
    await settle();
    expect(a.guard.copiedKey).toBeNull();
    a.focus();
    await vi.advanceTimersByTimeAsync(15_000); // A's timer would have fired at 30 s
    expect(clipboard.text).toBe(VALUE);
    await a.guard.clear(); // a lock in A clears B's copy
    expect(clipboard.text).toBe('');
  });

  it('never tells the value: every message is a type and a state', async () => {
    const { clipboard, bus, a, b } = twoTabs();
    a.focus();
    await a.guard.copy(KEY, VALUE, 5);
    clipboard.focused = b;
    await vi.advanceTimersByTimeAsync(5_000);
    a.page.fire('pagehide');
    await settle();
    expect(bus.said.length).toBeGreaterThan(2);
    for (const message of bus.said) expect(Object.keys(message).sort()).toEqual(['state', 'type']);
    expect(JSON.stringify(bus.said)).not.toContain(VALUE);
    expect(JSON.stringify(bus.said)).not.toContain(KEY);
  });
});

describe('over BroadcastChannel (TabSync)', () => {
  it('carries the clipboard states, and drops a malformed clipboard message or any field beyond the state', async () => {
    vi.useRealTimers();
    const dbName = `clipboard-test-${Math.random().toString(36).slice(2)}`;
    const sync = new TabSync({ dbName });
    const got: TabMessage[] = [];
    let wake: () => void = () => undefined;
    sync.listen((m) => {
      got.push(m);
      wake();
    });
    const other = new BroadcastChannel(`keyward:${dbName}`);
    for (const junk of [{ type: 'clipboard' }, { type: 'clipboard', state: 'copy' }, { type: 'clipboard', state: 1 }, { type: 'clipboard', state: ['cleared'] }]) other.postMessage(junk);
    for (const state of ['copied', 'cleared', 'needs-clear']) {
      const heard = new Promise<void>((resolve) => (wake = resolve));
      other.postMessage({ type: 'clipboard', state, value: VALUE });
      await heard;
    }
    expect(got).toEqual([
      { type: 'clipboard', state: 'copied' },
      { type: 'clipboard', state: 'cleared' },
      { type: 'clipboard', state: 'needs-clear' },
    ]);
    sync.close();
    other.close();
  });
});
