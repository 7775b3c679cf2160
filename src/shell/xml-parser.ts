// Owns the page's DOMParser under Trusted Types: the KeePass importer's library (kdbxweb) parses XML with the
// browser's DOMParser, whose parseFromString is a Trusted Types sink. This module replaces window.DOMParser with one
// that parses XML and nothing else, through a policy of its own ("keyward-xml", named in the CSP) that no other code
// can reach. An XML document made by DOMParser is inert (no script in it runs), and HTML parsing through DOMParser is
// refused outright, so the policy cannot launder a string into anything that executes.

/** The policy name the CSP's trusted-types directive lists; keep the two in step. */
export const XML_POLICY_NAME = 'keyward-xml';

/** The MIME types the replacement parses; anything else (text/html, image/svg+xml) is refused. */
const XML_TYPES: ReadonlySet<string> = new Set(['application/xml', 'text/xml']);

interface XmlPolicy {
  createHTML(input: string): unknown;
}

/** Enough of a window for this module. */
export interface XmlParserHost {
  DOMParser: typeof DOMParser;
  trustedTypes?: { createPolicy(name: string, rules: { createHTML: (input: string) => string }): XmlPolicy };
}

/**
 * Puts an XML-only DOMParser on `host` (the page's window). Where the browser has no Trusted Types it changes
 * nothing but the refusal of non-XML types. Call it once per page: a second policy of the same name is refused by
 * the CSP.
 */
export function installXmlOnlyDomParser(host: XmlParserHost): void {
  const Native = host.DOMParser;
  const policy: XmlPolicy | null = host.trustedTypes ? host.trustedTypes.createPolicy(XML_POLICY_NAME, { createHTML: (input) => input }) : null;
  class XmlOnlyDOMParser {
    parseFromString(input: string, type: DOMParserSupportedType): Document {
      if (!XML_TYPES.has(type)) throw new TypeError('Keyward parses XML only; HTML is never parsed from a string');
      const source = policy === null ? input : (policy.createHTML(String(input)) as string);
      return new Native().parseFromString(source, type);
    }
  }
  host.DOMParser = XmlOnlyDOMParser as unknown as typeof DOMParser;
}
