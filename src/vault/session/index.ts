// The unlocked session's face inside the vault layer: the Session and the types its modules hand out.

export { Session, type SessionStart } from './session';
export type { SessionInit, LockCause } from './context';
export { SYSTEM_ACTOR } from './held';
export type { ExportPart, ExportFormat } from './key-records';
export type { DueWork } from './key-lifecycle';
export type { AuditArchive, AuditArchivePlan, AuditFile } from './audit-trail';
export type { KeyDump } from './backups';
export type { KdfUpgradeRequest } from './credentials';
export type { Unreadable } from './key-ring';
export { IMPORT_MAX_KEYS, type ImportDuplicate, type ImportOptions, type ImportReplacement } from './key-import';
export { exportFilename, type DotenvFile, type ExportPreview, type ExportScope, type KdbxFile, type LeftOut } from './plain-export';
export type { PasskeyEnrolment } from './passkeys';
export type { LedgerReport } from './ledger-setup';
