// Owns the one dynamic import of the app state that exists only while a vault is unlocked: the key list, the audit
// screen's state and the words scheduled work and merges need. AppState loads it when "Unlock" or "Create vault" is
// pressed, while the key derivation runs, so the unlock screen's bundle does not carry it (issue #7).

export { KeysState } from './keys';
export { AuditState } from './audit';
export { mergedText, mergeOutcome } from './audit';
export { dueWorkSentence } from './lifecycle';
export { roleAllows } from '../vault';
