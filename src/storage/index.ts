// Public face of the storage layer: the IndexedDB schema, connection, migrations and transaction helper.

export { DB, type StoreName, type KeywardSchema, type MetaRow, type UserRow, type KeyRow, type VersionRow, type GrantRow, type SettingsRow, type AuditMeta, type AuditRow, type AuditPendingRow, type GroupRow, type MemberRow, type PasskeySlotRow, type LedgerRow, type LedgerBody, type LedgerUser } from './schema';
export { openKeywardDb, deleteKeywardDb, withTx, allRequests, type KeywardDb, type OpenOptions, type Tx, type TxOptions } from './db';
export { withWriteLock, setLockManager, writeLockName, type WriteLock, type LockManagerLike } from './write-lock';
export { onCommitted, type Committed } from './changes';
export { MIGRATIONS, type Migration, type UpgradeTx } from './migrations';
export { StorageError, toStorageError, type StorageErrorCode } from './errors';
