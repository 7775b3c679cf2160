// Public face of the vault layer: the domain the UI talks to. The UI imports nothing below this.

export * from './types';
export { VaultError, isVaultError, type VaultErrorCode } from './errors';
export { openVault, Vault, type OpenVaultOptions, type CreateVaultInput, type UnlockInput, type PasskeyUnlockInput } from './vault';
export { MAX_PASSKEYS, PASSKEY_NAME_MAX, type PasskeyInfo, type PasskeyRequest } from './passkeys';
export type { PasskeyEnrolment } from './session/index';
export { Session, SYSTEM_ACTOR } from './session/index';
export { PERMISSIONS, GRANTABLE, ASSIGNABLE_ROLES, ROLES, OPERATIONS, atLeast, isAdmin, roleAllows, denial, type Permission, type Operation } from './access';
export { IncrementalSearch, searchKeys, sortKeys, type KeySort, type SortDirection } from './search';
export { IdleLock, type IdleLockOptions } from './idle-lock';
export { allowedTransitions, isLegalTransition, dueStatus, nextRotationAt, stateAllows, addDays, DAY_MS, type DueStatus, type KeyUse } from './lifecycle';
export type { DueWork, ExportPart, ExportFormat, AuditArchive, AuditArchivePlan, LockCause } from './session/index';
export type { AuditEntryView } from './audit-chain';
export { AUDIT_ACTIONS, type AuditAction, type AuditOutcome, type ChainResult, type ChainBreak } from './audit-chain';
export { buildReport, type AuditFilter, type AuditReport, type DayBucket } from './audit-report';
export { verifyExport, fingerprintOf, EXPORT_FORMAT, type AuditExport, type ExportEntry, type VerifyResult } from './audit-export';
// Secret generation is re-exported so the UI's generator panel never imports the crypto layer.
export { generateSecret, SECRET_FORMATS, SECRET_MIN_BYTES, SECRET_MAX_BYTES, SECRET_DEFAULT_BYTES, type SecretFormat } from '../crypto';
export { describeAlgorithm, RSA_SIZES, type KeyAlgorithm, type KeyAlgorithmKind, type RsaSize } from '../crypto';
export { BackupError, BACKUP_ERROR_WORDS, BACKUP_VERSION, MAX_BACKUP_BYTES, type BackupErrorCode } from './backup-errors';
export { type BackupPreview } from './backup';
export { type MergePlan, type MergeConflict, type Resolution, type KeySide } from './merge';
export type { KeyDump, LedgerReport } from './session/index';
export { TabSync, TAB_CHANNEL, type TabMessage, type TabSyncOptions } from './tabs';
export { IMPORT_MAX_KEYS, type ImportDuplicate, type ImportOptions, type ImportReplacement } from './session/index';
export { planImport, type ImportPlan, type PlannedKey } from './import-plan';
export { exportFilename, type DotenvFile, type ExportPreview, type ExportScope, type KdbxFile, type LeftOut } from './session/index';
