// Owns keeping keyboard focus in place across an action whose own control is disabled while it runs. A control that
// becomes disabled loses focus (HTML "focusing steps" fixup: focus falls back to the body), so a keyboard user who
// pressed "Reveal" would find themselves at the top of the page. Remember the control, and give focus back to it.

import { tick } from 'svelte';

/**
 * Call before the action starts; await the returned function once the action is over and its controls are enabled
 * again. Focus goes back to the control that had it when that control still exists and is enabled, else to
 * `fallback`; when focus already sits somewhere (a dialog, a field an error focused), it is left alone.
 */
export function rememberFocus(): (fallback?: HTMLElement | null) => Promise<void> {
  const from = document.activeElement;
  return async (fallback) => {
    await tick();
    const now = document.activeElement;
    if (now !== null && now !== document.body) return;
    if (from instanceof HTMLElement && from !== document.body && from.isConnected && !from.matches(':disabled')) from.focus();
    else fallback?.focus();
  };
}
