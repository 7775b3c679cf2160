// Owns saving a file the person asked for (a backup, an audit export): a Blob behind a temporary object URL and a
// temporary <a download>, clicked once. Nothing leaves the device; the URL is revoked right after.

/** How long the object URL lives after the click: long enough for every browser to start the download. */
const REVOKE_AFTER_MS = 1_000;

export function downloadFile(filename: string, data: BlobPart, type: string): void {
  const blob = new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  }
}
