// Owns the code a vault needs only once someone signs in: the Session and the audit log and keys it starts with.
// Vault.create and Vault.unlock load it with import() when they begin, alongside the key derivation, so the unlock
// screen's bundle does not carry it (issue #7: initial JS ≤ 60 kB gzip).

export { Session } from './session/index';
export { AuditLog } from './audit-log';
export { createAuditKeys, openAuditKeys } from './audit-keys';
export { newUserKeyPair } from './principals';
export { ownerGenesis } from './ledger';
