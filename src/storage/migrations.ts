// Owns schema migrations: step i upgrades a database from version i to i + 1, inside the upgrade transaction.

import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { DB, type KeywardSchema } from './schema';

export type UpgradeTx = IDBPTransaction<KeywardSchema, StoreNames<KeywardSchema>[], 'versionchange'>;
/** Runs synchronously inside `upgrade`; may issue requests on `tx` but must not await anything else. */
export type Migration = (db: IDBPDatabase<KeywardSchema>, tx: UpgradeTx) => void;

const { stores } = DB;

/** MIGRATIONS[0] creates version 1 from nothing. Append, never edit a released step. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  (db) => {
    db.createObjectStore(stores.meta, { keyPath: 'id' });
    const users = db.createObjectStore(stores.users, { keyPath: 'id' });
    users.createIndex('byName', 'name', { unique: true });
    db.createObjectStore(stores.keys, { keyPath: 'id' });
    const versions = db.createObjectStore(stores.versions, { keyPath: ['keyId', 'version'] });
    versions.createIndex('byKey', 'keyId');
    const grants = db.createObjectStore(stores.grants, { keyPath: ['keyId', 'principalId'] });
    grants.createIndex('byPrincipal', 'principalId');
    grants.createIndex('byKey', 'keyId');
    const audit = db.createObjectStore(stores.audit, { keyPath: 'seq' });
    audit.createIndex('byAt', 'at');
    db.createObjectStore(stores.auditPending, { keyPath: 'id', autoIncrement: true });
  },
  // Version 2 (issue #6): groups and their members. Existing rows stay as they are: a user row without
  // an ECDH key pair gets one at its next unlock, and a key without a meta key gets one when first
  // granted for "view" (docs/FORMAT.md §1).
  (db) => {
    db.createObjectStore(stores.groups, { keyPath: 'id' });
    const members = db.createObjectStore(stores.members, { keyPath: ['groupId', 'userId'] });
    members.createIndex('byUser', 'userId');
  },
  // Version 3 (issue #14): the signed ledger of principals. It starts empty: no key is in memory here. The owner's
  // next unlock writes its first links from the rows as they stand (docs/FORMAT.md §7.5).
  (db) => {
    db.createObjectStore(stores.ledger, { keyPath: 'seq' });
  },
]);

if (MIGRATIONS.length !== DB.version) throw new Error('MIGRATIONS must hold one step per schema version');
