// Owns reading the host out of an entry's URL, which every importer needs to name an untitled entry or to tell a URL
// from a bare title. Three readings, because the sources differ in what their URL fields may hold.

/** The host of a URL with a scheme ("https://www.example.com/x" → "www.example.com"); '' for anything else. */
export function schemeHost(url: string): string {
  const text = url.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return '';
  try {
    return new URL(text).hostname;
  } catch {
    return '';
  }
}

/** The host of a URL, with or without its scheme ("google.com"), or '' when it has none. */
export function urlHost(url: string): string {
  const trimmed = url.trim();
  if (trimmed === '') return '';
  for (const candidate of [trimmed, `https://${trimmed}`]) {
    try {
      const host = new URL(candidate).hostname;
      if (host !== '') return host;
    } catch {
      // not a URL in this form; try the next
    }
  }
  return '';
}

/** The host of a URL, or the text itself when it is no URL with a host (Bitwarden and 1Password name items so). */
export function hostOrText(url: string): string {
  try {
    return new URL(url).hostname || url;
  } catch {
    return url;
  }
}
