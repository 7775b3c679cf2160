// Owns the one dynamic import of the app state that exists only while a vault is unlocked: the key list, the audit
// screen's state and the words scheduled work and merges need. AppState loads it when "Unlock" or "Create vault" is
// pressed, while the key derivation runs, so the unlock screen's bundle does not carry it (issue #7).

export { KeysState } from './keys-state.svelte';
export { AuditState } from './audit-state.svelte';
export { mergedText, mergeOutcome } from './audit-text';
export { dueWorkSentence } from './lifecycle-text';
export { roleAllows } from '../vault';
