// Tests the KeePass 2 XML import on the project's own fixtures: a hand-written KeePass 2.x export (nested groups,
// Recycle Bin with a sub-group, <History>, empty titles, an empty group name, multi-line and case-differing custom
// strings, ProtectInMemory values in clear text) and KeePassXC's own XML export; and its refusals.
import { describe, expect, it } from 'vitest';
import { isKeepassXml, parseKeepassXml } from './keepass-xml';
import { InteropError, type ImportEntry, type InteropErrorCode } from './model';
import { FIXTURE_ENTRIES, fixtureText, sortedFields } from './keepass.test-helper';

const entry = (partial: Partial<ImportEntry> & { name: string }): ImportEntry => ({ value: '', username: '', url: '', notes: '', totp: '', group: '', fields: [], ...partial });

/** What test/fixtures/interop/keepass2-export.xml holds, in its order. */
const KEEPASS2_ENTRIES: ImportEntry[] = [
  entry({
    name: 'Shared Wi-Fi',
    value: 'wifi-Pa55 <guest>',
    notes: 'Office network.\nAsk IT for the guest one.',
    fields: [
      { name: 'PSK backup', value: 'backup-psk-42', hidden: true },
      { name: 'SSID', value: 'CompanyNet', hidden: false },
    ],
  }),
  entry({ name: 'Git hosting', value: 'git-pass', username: 'dev@example.test', url: 'https://git.example.test', totp: 'otpauth://totp/Git:dev?secret=GEZDGNBVGY3TQOJQ&period=30' }),
  entry({
    name: 'postgres-main',
    value: 'pg-Current-3',
    username: 'app',
    url: 'postgres://db.internal.test',
    group: 'Servers/Database',
    fields: [
      { name: 'Connection', value: 'host=db.internal.test\nport=5432\nsslmode=require', hidden: false },
      { name: 'Port', value: '5432', hidden: false },
      { name: 'port', value: '6432', hidden: false },
    ],
  }),
  // The group with an empty name adds nothing to the path; untitled entries are named from the URL's host, the
  // user name, or their position.
  entry({ name: 'db.internal.test', value: 'noscheme-pass', url: 'db.internal.test:5432' }),
  entry({ name: 'svc-backup', value: 'backup-pass', username: 'svc-backup' }),
  entry({ name: 'Entry 6' }),
];

const NEVER = ['pg-first-pass', 'pg-second-pass', 'postgres-old-title', 'old-ftp', 'deleted-ftp-pass', 'older-thing', 'deleted-nested-pass'];

async function refusal(text: string): Promise<InteropError> {
  try {
    await parseKeepassXml(text);
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(InteropError);
    return error as InteropError;
  }
  throw new Error('parseKeepassXml accepted the input');
}

describe('isKeepassXml', () => {
  it('knows a KeePass XML export by its root element, after a BOM, a declaration or a comment', () => {
    const xml = fixtureText('keepass2-export.xml');
    expect(isKeepassXml(xml)).toBe(true);
    expect(isKeepassXml(fixtureText('keepassxc-export.xml'))).toBe(true);
    expect(isKeepassXml(`\uFEFF${xml}`)).toBe(true);
    expect(isKeepassXml('<!-- exported -->\n<KeePassFile><Root/></KeePassFile>')).toBe(true);
    expect(isKeepassXml('<KeePassFile/>')).toBe(true);
  });

  it('says no to other XML, JSON, CSV and text', () => {
    for (const text of ['', '<?xml version="1.0"?><KeePassFileX/>', '<?xml version="1.0"?><database><KeePassFile/></database>', '{"items": []}', 'Title,Password\na,b', 'KeePassFile']) {
      expect(isKeepassXml(text), text).toBe(false);
    }
  });
});

describe('parseKeepassXml', () => {
  it('reads every live entry of a KeePass 2 export: groups, custom strings, clear ProtectInMemory values, TOTP', async () => {
    const result = await parseKeepassXml(fixtureText('keepass2-export.xml'));
    expect(result).toEqual({ format: 'keepass-xml', entries: KEEPASS2_ENTRIES, skipped: [] });
  });

  it('never imports <History> versions or anything in the Recycle Bin, its sub-groups included', async () => {
    const all = JSON.stringify(await parseKeepassXml(fixtureText('keepass2-export.xml')));
    for (const value of NEVER) expect(all).not.toContain(value);
  });

  it("reads KeePassXC's own XML export of the fixture database like the database itself", async () => {
    const result = await parseKeepassXml(fixtureText('keepassxc-export.xml'));
    expect(result.skipped).toEqual([]);
    expect(sortedFields(result.entries)).toEqual(sortedFields(FIXTURE_ENTRIES));
  });

  it('a BOM, CRLF line ends and an export with no entries', async () => {
    const crlf = `\uFEFF${fixtureText('keepass2-export.xml').replace(/\n/g, '\r\n')}`;
    const result = await parseKeepassXml(crlf);
    expect(result.entries.map((e) => e.name)).toEqual(KEEPASS2_ENTRIES.map((e) => e.name));
    // XML turns a CRLF in text into LF, as KeePass itself reads it.
    expect(result.entries[0]!.notes).toBe('Office network.\nAsk IT for the guest one.');
    expect(await parseKeepassXml('<KeePassFile><Meta/><Root><Group><Name>Empty</Name></Group></Root></KeePassFile>')).toEqual({ format: 'keepass-xml', entries: [], skipped: [] });
  });

  it('keeps tabs in values (kdbxweb alone deletes them before parsing), in clear and ProtectInMemory strings', async () => {
    const xml = `<KeePassFile>\n\t<Meta/>\n\t<Root>\n\t\t<Group>\n\t\t\t<Name>Root</Name>\n\t\t\t<Entry>\n\t\t\t\t<String><Key>Title</Key><Value>tab\there</Value></String>
      <String><Key>Password</Key><Value ProtectInMemory="True">\tpw\t</Value></String><String><Key>Notes</Key><Value>col1\tcol2\n\tindented</Value></String>
      <String><Key>Cell</Key><Value ProtectInMemory="True">a\tb</Value></String></Entry></Group></Root></KeePassFile>`;
    const [got] = (await parseKeepassXml(xml)).entries;
    expect(got).toMatchObject({ name: 'tab\there', value: '\tpw\t', notes: 'col1\tcol2\n\tindented', fields: [{ name: 'Cell', value: 'a\tb', hidden: true }] });
  });

  it('group paths leave out empty and blank group names but keep the groups below them', async () => {
    const e = (title: string) => `<Entry><String><Key>Title</Key><Value>${title}</Value></String></Entry>`;
    const xml = `<KeePassFile><Meta/><Root><Group><Name>Root</Name>
      <Group><Name></Name>${e('a')}<Group><Name>Sub</Name>${e('b')}<Group><Name>  </Name>${e('c')}</Group></Group></Group>
      <Group><Name> Spaced </Name>${e('d')}</Group>
    </Group></Root></KeePassFile>`;
    const result = await parseKeepassXml(xml);
    expect(result.entries.map((entry) => [entry.name, entry.group])).toEqual([
      ['a', ''],
      ['b', 'Sub'],
      ['c', 'Sub'],
      ['d', 'Spaced'],
    ]);
  });

  it('keeps an entry whose Recycle Bin setting points nowhere, and a root-level entry', async () => {
    const xml = `<KeePassFile><Meta><RecycleBinUUID>AAAAAAAAAAAAAAAAAAAAAA==</RecycleBinUUID></Meta><Root><Group><Name>Root</Name>
      <Entry><String><Key>Title</Key><Value>top</Value></String><String><Key>Password</Key><Value ProtectInMemory="True">p &amp; q</Value></String></Entry>
      <Group><Name>Recycle Bin</Name><Entry><String><Key>Title</Key><Value>named like the bin</Value></String></Entry></Group>
    </Group></Root></KeePassFile>`;
    const result = await parseKeepassXml(xml);
    expect(result.entries.map((e) => [e.name, e.value, e.group])).toEqual([
      ['top', 'p & q', ''],
      ['named like the bin', '', 'Recycle Bin'],
    ]);
  });
});

describe('parseKeepassXml refuses bad input with its own error', () => {
  const good = fixtureText('keepass2-export.xml');
  const table: { what: string; text: () => string; code: InteropErrorCode }[] = [
    { what: 'not KeePass XML (JSON)', text: () => '{"encrypted": false, "items": []}', code: 'Damaged' },
    { what: 'empty text', text: () => '', code: 'Damaged' },
    { what: 'truncated to half', text: () => good.slice(0, good.length >> 1), code: 'Damaged' },
    { what: 'cut right after an element (well-formed so far: no partial import)', text: () => good.slice(0, good.indexOf('</Entry>') + '</Entry>'.length), code: 'Damaged' },
    { what: 'cut after the last entry, before </Root>', text: () => good.slice(0, good.lastIndexOf('</Group>')), code: 'Damaged' },
    { what: 'a stray < in a value', text: () => good.replace('CompanyNet', 'Company<Net'), code: 'Damaged' },
    { what: 'an unclosed element', text: () => good.replace('</Entry>', ''), code: 'Damaged' },
    { what: 'a bad entity', text: () => good.replace('&lt;guest&gt;', '&nosuch;'), code: 'Damaged' },
    { what: 'a DOCTYPE (entity expansion)', text: () => good.replace('<KeePassFile>', '<!DOCTYPE KeePassFile [<!ENTITY a "aaaaaaaaaa">]>\n<KeePassFile>'), code: 'Damaged' },
    { what: 'values encrypted with a database key (Protected="True")', text: () => good.replace('<Value ProtectInMemory="True">git-pass', '<Value Protected="True">c2VjcmV0'), code: 'Unsupported' },
    { what: 'a bad UUID', text: () => good.replace('AAAAAAAAAAAAAAAAAAAACg==', 'AAAA'), code: 'Damaged' },
  ];
  for (const { what, text, code } of table) {
    it(`${what} -> ${code}`, async () => {
      const error = await refusal(text());
      expect(error.code, error.message).toBe(code);
      expect(error.message).not.toMatch(/bad xml|line \d|KdbxError|undefined/i);
      for (const value of ['wifi-Pa55', 'git-pass', 'nosuch', 'CompanyNet']) expect(error.message).not.toContain(value);
    });
  }

  it('refuses hostile markup in time linear in its size (a regex over the whole text took minutes on 400 KB of "<!--")', async () => {
    for (const piece of ['<!--', '<?', '<![CDATA[', '<a b="', '<Value ', '<', '<aaaa', '<!---->', '<a b="1" ', '<a>']) {
      const text = `<KeePassFile>${piece.repeat(Math.floor(1_000_000 / piece.length))}`;
      const started = Date.now();
      expect((await refusal(text)).code, piece).toBe('Damaged');
      expect(Date.now() - started, piece).toBeLessThan(10_000);
    }
    const started = Date.now();
    expect(isKeepassXml(`${'<!---->'.repeat(600)}x`)).toBe(false);
    expect(isKeepassXml('<!--'.repeat(1000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('a non-string is Damaged, not a crash', async () => {
    expect((await refusal(undefined as unknown as string)).code).toBe('Damaged');
  });
});
