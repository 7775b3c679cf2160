// Owns the time stamp in the names of the files Keyward writes for a person (backups, plaintext exports):
// YYYYMMDD-HHMMSS in the device's local time, so the files sort by when they were made.
export function fileStamp(at: number): string {
  const d = new Date(at);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
