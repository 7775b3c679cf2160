// The interop layer's public face: other managers' files in (importers) and out (exporters), issue #16.
export { IMPORT_FORMATS, InteropError, MAX_IMPORT_BYTES } from './model';
export type { EntryField, ImportEntry, ImportFormat, ImportResult, InteropErrorCode, SkippedEntry } from './model';
export { envName, toDotenv, uniqueEnvNames } from './env-export';
export { writeKdbx, type ExportKey } from './kdbx-export';
