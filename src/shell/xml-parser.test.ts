// The XML-only DOMParser: XML goes through the one private policy, HTML is refused, and nothing else is touched.
import { describe, expect, it } from 'vitest';
import { installXmlOnlyDomParser, XML_POLICY_NAME, type XmlParserHost } from './xml-parser';

function host(withTrustedTypes: boolean) {
  const parsed: { input: unknown; type: string }[] = [];
  const policies: string[] = [];
  class FakeNative {
    parseFromString(input: unknown, type: string) {
      parsed.push({ input, type });
      return { documentElement: {} } as unknown as Document;
    }
  }
  const h: XmlParserHost = {
    DOMParser: FakeNative as unknown as typeof DOMParser,
    ...(withTrustedTypes
      ? {
          trustedTypes: {
            createPolicy: (name: string, rules: { createHTML: (s: string) => string }) => {
              policies.push(name);
              return { createHTML: (s: string) => ({ trusted: rules.createHTML(s) }) };
            },
          },
        }
      : {}),
  };
  return { h, parsed, policies };
}

describe('installXmlOnlyDomParser', () => {
  it('parses XML through its own named policy', () => {
    const { h, parsed, policies } = host(true);
    installXmlOnlyDomParser(h);
    new h.DOMParser().parseFromString('<KeePassFile/>', 'application/xml');
    new h.DOMParser().parseFromString('<a/>', 'text/xml');
    expect(policies).toEqual([XML_POLICY_NAME]);
    expect(parsed).toEqual([
      { input: { trusted: '<KeePassFile/>' }, type: 'application/xml' },
      { input: { trusted: '<a/>' }, type: 'text/xml' },
    ]);
  });

  it('refuses HTML and SVG, with or without Trusted Types, and never reaches the native parser for them', () => {
    for (const tt of [true, false]) {
      const { h, parsed } = host(tt);
      installXmlOnlyDomParser(h);
      for (const type of ['text/html', 'image/svg+xml', 'application/xhtml+xml'] as DOMParserSupportedType[]) {
        expect(() => new h.DOMParser().parseFromString('<img src=x onerror=alert(1)>', type)).toThrow(TypeError);
      }
      expect(parsed).toEqual([]);
    }
  });

  it('passes XML straight to the native parser where there are no Trusted Types', () => {
    const { h, parsed, policies } = host(false);
    installXmlOnlyDomParser(h);
    new h.DOMParser().parseFromString('<x/>', 'application/xml');
    expect(policies).toEqual([]);
    expect(parsed).toEqual([{ input: '<x/>', type: 'application/xml' }]);
  });
});
