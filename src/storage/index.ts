// Public face of the storage layer: the IndexedDB schema, connection, migrations and transaction helper.

export { DB, type StoreName, type KeywardSchema, type MetaRow, type UserRow, type KeyRow, type VersionRow, type GrantRow, type SettingsRow, type AuditMeta, type AuditRow, type AuditPendingRow, type GroupRow, type MemberRow } from './schema';
export { openKeywardDb, deleteKeywardDb, withTx, allRequests, type KeywardDb, type OpenOptions, type Tx } from './db';
export { MIGRATIONS, type Migration, type UpgradeTx } from './migrations';
export { StorageError, toStorageError, type StorageErrorCode } from './errors';
