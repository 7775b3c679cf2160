// The interop layer's public face: other managers' files in (importers) and out (exporters), issue #16.
export { IMPORT_FORMATS, InteropError, MAX_IMPORT_BYTES, tooLarge } from './model';
export type { EntryField, ImportEntry, ImportFormat, ImportResult, InteropErrorCode, SkippedEntry } from './model';
export { detectFormat, readImportFile } from './read-file';
export type { ReadOptions, ReadResult } from './read-file';
export type { CsvMapping } from './text-formats';
export { envName, toDotenv, uniqueEnvNames } from './env-export';
export { writeKdbx, type ExportKey } from './kdbx-export';
