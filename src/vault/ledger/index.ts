// Public face of the ledger of principals (issue #14, docs/FORMAT.md §7): signed, chained statements of who the users
// and groups are, their roles, public keys and memberships; verified link by link and held against each user's pin.

export { BadLink, HASH_BYTES, LEDGER_FORMAT, NO_PREV, linkHash, parseBody, parseLink, signedBytes } from './codec';
export { apply, cloneState, emptyState, memberKey, Refused, signingKeyFor, type LedgerPrincipal, type LedgerState } from './rules';
export { checkPin, verifyLinks, type KeyCache, type LedgerProblem, type Pin, type Verified } from './verify';
export { makeLinks, type Head, type Signer } from './append';
export { openPin, sealPin } from './pin';
export { ownerGenesis } from './genesis';
