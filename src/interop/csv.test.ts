// Tests the CSV importers on fixtures written here after the shapes of real exports (made-up names and values):
// each manager's header is detected and each row becomes the right entry, with every quirk the import corpus shows —
// CRLF, multi-line quoted cells, short rows, nested folders written with "/" or "\", Bitwarden's "fields" cell,
// 1Password for Mac's backslash-escaped quotes, Firefox's missing title — and any other CSV through a column mapping.
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { readCsv } from './csv-read';
import { InteropError, type ImportEntry } from './model';
import { csvHeaders, detectTextFormat, guessCsvMapping, parseText } from './text-formats';

const crlf = (lines: string[]): string => lines.join('\r\n');
const lf = (lines: string[]): string => lines.join('\n');

/** The parts of entries a test looks at (fields only when it has some). */
const brief = (entries: ImportEntry[]) =>
  entries.map((e) => ({ name: e.name, value: e.value, username: e.username, url: e.url, notes: e.notes, group: e.group, totp: e.totp, ...(e.fields.length ? { fields: e.fields } : {}) }));

function refusal(fn: () => unknown): InteropError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InteropError) return error;
    throw error;
  }
  throw new Error('expected an InteropError');
}

const BITWARDEN = crlf([
  'folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp',
  'Finance,,login,harbor bank,,"card: 7301\r\nold card: 6620",https://bank.harbor.test,rowan@mail.test,"q`\\w|e,""r""<t>\'y",',
  'Mail/Work,,login,rowan@mail.test,For the team only,,,rowan,"a,b;c{d}",',
  'Mail,1,login,forge,,,https://forge.test,quill,s3cret!,otpauth://totp/forge?secret=JBSWY3DPEHPK3PXP',
  'Odd,,note,blank item,,,,,,',
  'Odd,,note,memo,"A note that runs\r\nover two lines.",,,,,',
  'Odd,,login,no password,,,https://nopw.test,quill,,',
  'Mail,,login,forge,,,https://forge.test,second-user,other-pass,',
]);

describe('Bitwarden CSV', () => {
  it('is detected from its header and reads every row: folders, notes, the fields cell, TOTP, CRLF inside cells', () => {
    expect(detectTextFormat(BITWARDEN)).toBe('bitwarden-csv');
    const result = parseText(BITWARDEN, 'bitwarden-csv');
    expect(result.format).toBe('bitwarden-csv');
    expect(result.skipped).toEqual([]);
    expect(brief(result.entries)).toEqual([
      {
        name: 'harbor bank',
        value: 'q`\\w|e,"r"<t>\'y',
        username: 'rowan@mail.test',
        url: 'https://bank.harbor.test',
        notes: '',
        group: 'Finance',
        totp: '',
        fields: [
          { name: 'card', value: '7301', hidden: false },
          { name: 'old card', value: '6620', hidden: false },
        ],
      },
      { name: 'rowan@mail.test', value: 'a,b;c{d}', username: 'rowan', url: '', notes: 'For the team only', group: 'Mail/Work', totp: '' },
      { name: 'forge', value: 's3cret!', username: 'quill', url: 'https://forge.test', notes: '', group: 'Mail', totp: 'otpauth://totp/forge?secret=JBSWY3DPEHPK3PXP' },
      { name: 'blank item', value: '', username: '', url: '', notes: '', group: 'Odd', totp: '' },
      { name: 'memo', value: '', username: '', url: '', notes: 'A note that runs\nover two lines.', group: 'Odd', totp: '' },
      { name: 'no password', value: '', username: 'quill', url: 'https://nopw.test', notes: '', group: 'Odd', totp: '' },
      { name: 'forge', value: 'other-pass', username: 'second-user', url: 'https://forge.test', notes: '', group: 'Mail', totp: '' },
    ]);
  });

  it('reads the organization export (collections instead of folder/favorite)', () => {
    const text = crlf(['collections,type,name,notes,fields,login_uri,login_username,login_password,login_totp', 'Shared/Ops,login,deploy,,,https://ci.test,bot,tok-1,', 'Shared,note,runbook,Restart twice.,,,,,']);
    expect(detectTextFormat(text)).toBe('bitwarden-csv');
    expect(brief(parseText(text, 'bitwarden-csv').entries)).toEqual([
      { name: 'deploy', value: 'tok-1', username: 'bot', url: 'https://ci.test', notes: '', group: 'Shared/Ops', totp: '' },
      { name: 'runbook', value: '', username: '', url: '', notes: 'Restart twice.', group: 'Shared', totp: '' },
    ]);
  });

  it('reads the newer header with "reprompt", with no newline at the end', () => {
    const text = crlf(['folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp', ',1,login,Sample Login,Some words.,,0,https://sample.test,sample-user,SAMPLE-PW-1,', ',,note,Sample Note,Only a note.,,0,,,,']);
    const entries = parseText(text, detectTextFormat(text) ?? 'csv').entries;
    expect(entries.map((e) => [e.name, e.value, e.notes])).toEqual([
      ['Sample Login', 'SAMPLE-PW-1', 'Some words.'],
      ['Sample Note', '', 'Only a note.'],
    ]);
  });

  it('a fields line without ": " continues the previous field (a multi-line value)', () => {
    const text = lf(['folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp', ',,login,x,,"recovery: one\ntwo\nkey: k",,,,']);
    expect(parseText(text, 'bitwarden-csv').entries[0]?.fields).toEqual([
      { name: 'recovery', value: 'one\ntwo', hidden: false },
      { name: 'key', value: 'k', hidden: false },
    ]);
  });
});

describe('KeePass and KeePassXC CSV', () => {
  it('KeePass 1.x columns, every cell quoted, no group column', () => {
    const text = lf([
      '"Account","Login Name","Password","Web Site","Comments"',
      '"forge","quill","p,w""1","https://forge.test",""',
      '"memo","","","","Two lines\nof note."',
      '"blank item","","","",""',
    ]);
    expect(detectTextFormat(text)).toBe('keepass-csv');
    expect(brief(parseText(text, 'keepass-csv').entries)).toEqual([
      { name: 'forge', value: 'p,w"1', username: 'quill', url: 'https://forge.test', notes: '', group: '', totp: '' },
      { name: 'memo', value: '', username: '', url: '', notes: 'Two lines\nof note.', group: '', totp: '' },
      { name: 'blank item', value: '', username: '', url: '', notes: '', group: '', totp: '' },
    ]);
  });

  it('KeePassXC drops the root group from "Root/Mail/Work" and reads TOTP', () => {
    const text = lf([
      '"Group","Title","Username","Password","URL","Notes","TOTP","Icon","Last Modified","Created"',
      '"Root/Mail/Work","rowan@mail.test","rowan","pw-1","","","otpauth://totp/x?secret=ABC","0","2024-01-01T00:00:00Z","2024-01-01T00:00:00Z"',
      '"Root","top","u","pw-2","https://top.test","","","0","",""',
    ]);
    expect(detectTextFormat(text)).toBe('keepassxc-csv');
    const entries = parseText(text, 'keepassxc-csv').entries;
    expect(entries.map((e) => [e.name, e.group, e.totp])).toEqual([
      ['rowan@mail.test', 'Mail/Work', 'otpauth://totp/x?secret=ABC'],
      ['top', '', ''],
    ]);
  });
});

describe('1Password CSV', () => {
  it('1Password 8: Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes', () => {
    const text = lf([
      'Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes',
      '"forge","https://forge.test","quill","pw,1","otpauth://totp/f?secret=XYZ","false","false","Dev",""',
      '"memo","","","","","false","true","","A note\nover lines."',
    ]);
    expect(detectTextFormat(text)).toBe('1password-csv');
    expect(brief(parseText(text, '1password-csv').entries)).toEqual([
      { name: 'forge', value: 'pw,1', username: 'quill', url: 'https://forge.test', notes: '', group: 'Dev', totp: 'otpauth://totp/f?secret=XYZ' },
      { name: 'memo', value: '', username: '', url: '', notes: 'A note\nover lines.', group: '', totp: '' },
    ]);
  });

  it('1Password 7 wide export: the first header cell is empty and "Type" holds the folder', () => {
    const text = lf([
      ',ainfo,autosubmit,company,Notes,Password,scope,Type,Title,URL,Username,uuid',
      ',quill,Default,,,"p,1",,Mail/Work,forge,https://forge.test,quill,',
      ',,Default,,"Only\na note",,,Odd,memo,,,',
    ]);
    expect(detectTextFormat(text)).toBe('1password-csv');
    expect(brief(parseText(text, '1password-csv').entries)).toEqual([
      { name: 'forge', value: 'p,1', username: 'quill', url: 'https://forge.test', notes: '', group: 'Mail/Work', totp: '' },
      { name: 'memo', value: '', username: '', url: '', notes: 'Only\na note', group: 'Odd', totp: '' },
    ]);
  });

  it('1Password 7 for Windows: upper-case headers; section titles are left out, other cells become fields', () => {
    const text = lf([
      '"UUID","TITLE","USERNAME","PASSWORD","URL","URLS","SCOPE","AUTOSUBMIT","TAGS","NOTES","SECTION 1: ABCD","ABCD 1: PIN CODE","1: NUMBER"',
      '"u1","forge","quill","pw-1","https://forge.test","https://forge.test","Default","Default","Dev","","","",""',
      '"u2","card 🎴","","","","","Default","Default","","","Extra","4321","4111000011110000"',
    ]);
    expect(detectTextFormat(text)).toBe('1password-csv');
    expect(brief(parseText(text, '1password-csv').entries)).toEqual([
      { name: 'forge', value: 'pw-1', username: 'quill', url: 'https://forge.test', notes: '', group: 'Dev', totp: '' },
      {
        name: 'card 🎴',
        value: '',
        username: '',
        url: '',
        notes: '',
        group: '',
        totp: '',
        fields: [
          { name: 'PIN CODE', value: '4321', hidden: false },
          { name: 'NUMBER', value: '4111000011110000', hidden: false },
        ],
      },
    ]);
  });

  it('a credit card with no password: its number is the value, beside its cardholder and verification number', () => {
    const text = lf(['"UUID","TITLE","USERNAME","PASSWORD","SCOPE","1: CARDHOLDER NAME","2: NUMBER","3: VERIFICATION NUMBER"', '"u3","travel card","","","Default","A. Person","5500000000000004","123"']);
    const [card] = parseText(text, '1password-csv').entries;
    expect(card?.value).toBe('5500000000000004');
    expect(card?.fields).toEqual([
      { name: 'CARDHOLDER NAME', value: 'A. Person', hidden: false },
      { name: 'VERIFICATION NUMBER', value: '123', hidden: false },
    ]);
  });

  // 1Password 7 for Mac writes \" inside quoted cells: a strict reader closes the Tags cell early and finds more rows.
  const MAC = lf([
    '"Created Date","Modified Date","Notes","Password","password(password)","number(ccnum)","Tags","Title","Type","URL","Username","username(username)"',
    '"1600000000","1600000001","First steps.",,,,"{(\n    \\"Starter\\"\n)}","Welcome","Secure Note",,,',
    '"1600000000","1600000001",,,,"4111000011110000","{(\n)}","card","Credit Card",,,',
    '"1600000000","1600000001","Sign in here.",,"pw-mac",,"{(\n    \\"Starter\\",\n    \\"Work\\"\n)}","account","Login","https://acct.test",,"quill"',
  ]);

  it('1Password 7 for Mac: backslash-escaped quotes are read as quotes, giving 3 rows where a strict reader sees more', () => {
    expect(Papa.parse(MAC, { skipEmptyLines: true }).data.length - 1).toBeGreaterThan(3);
    expect(readCsv(MAC).rows).toHaveLength(3);
    expect(detectTextFormat(MAC)).toBe('1password-csv');
    expect(brief(parseText(MAC, '1password-csv').entries)).toEqual([
      { name: 'Welcome', value: '', username: '', url: '', notes: 'First steps.', group: 'Starter', totp: '' },
      { name: 'card', value: '', username: '', url: '', notes: '', group: '', totp: '', fields: [{ name: 'number', value: '4111000011110000', hidden: false }] },
      { name: 'account', value: 'pw-mac', username: 'quill', url: 'https://acct.test', notes: 'Sign in here.', group: 'Starter', totp: '' },
    ]);
  });
});

describe('LastPass CSV', () => {
  it('reads a nested folder written with a backslash, notes in "extra", and a secure note (url http://sn)', () => {
    const text = lf([
      'url,username,password,totp,extra,name,grouping,fav',
      'https://forge.test,quill,"p,w",,,forge,Dev,0',
      ',rowan,pw-2,,For the team,rowan@mail.test,Mail\\Work,0',
      'http://sn,,,,"NoteType:Server\nHostname:db.test",db notes,Ops,1',
      ',,,,,blank item,Odd,0',
    ]);
    expect(detectTextFormat(text)).toBe('lastpass-csv');
    expect(brief(parseText(text, 'lastpass-csv').entries)).toEqual([
      { name: 'forge', value: 'p,w', username: 'quill', url: 'https://forge.test', notes: '', group: 'Dev', totp: '' },
      { name: 'rowan@mail.test', value: 'pw-2', username: 'rowan', url: '', notes: 'For the team', group: 'Mail/Work', totp: '' },
      { name: 'db notes', value: '', username: '', url: '', notes: 'NoteType:Server\nHostname:db.test', group: 'Ops', totp: '' },
      { name: 'blank item', value: '', username: '', url: '', notes: '', group: 'Odd', totp: '' },
    ]);
  });
});

describe('Chrome and Firefox CSV', () => {
  it('Chrome with a note column: short rows (4 cells of 5) are read, a multi-line note keeps its comma and quotes', () => {
    const text = crlf(['name,url,username,password,note', '"forge","https://forge.test","quill","pw-1"', 'site.test,https://site.test/,me@site.test,pw-2,"First, line\r\nSecond ""quoted"""', '"blank item","","",""']);
    expect(detectTextFormat(text)).toBe('chrome-csv');
    expect(brief(parseText(text, 'chrome-csv').entries)).toEqual([
      { name: 'forge', value: 'pw-1', username: 'quill', url: 'https://forge.test', notes: '', group: '', totp: '' },
      { name: 'site.test', value: 'pw-2', username: 'me@site.test', url: 'https://site.test/', notes: 'First, line\nSecond "quoted"', group: '', totp: '' },
      { name: 'blank item', value: '', username: '', url: '', notes: '', group: '', totp: '' },
    ]);
  });

  it('old Chrome without the note column; a url cell with two URLs gives the first as the URL, the other as a field', () => {
    const text = lf(['name,url,username,password', 'two.test,"https://two.test/a,https://two.test/b",u,pw']);
    expect(detectTextFormat(text)).toBe('chrome-csv');
    const [entry] = parseText(text, 'chrome-csv').entries;
    expect(entry?.url).toBe('https://two.test/a');
    expect(entry?.fields).toEqual([{ name: 'URL', value: 'https://two.test/b', hidden: false }]);
  });

  it('Firefox: the name is the URL host, or the url cell itself when it is no URL (kept as URL only if it looks like one); empty username; CRLF', () => {
    const text = crlf([
      '"url","username","password","httpRealm","formActionOrigin","guid","timeCreated","timeLastUsed","timePasswordChanged"',
      '"https://www.forge.test","","pw-1",,"https://www.forge.test","{00000000-0000-4000-8000-000000000001}","1600000000000","1600000000000","1600000000000"',
      '"bare-name.test","quill","pw-2",,"","{00000000-0000-4000-8000-000000000002}","1600000000000","1600000000000","1600000000000"',
      '"blank item",,,,"","{00000000-0000-4000-8000-000000000003}","1600000000000","1600000000000","1600000000000"',
    ]);
    expect(detectTextFormat(text)).toBe('firefox-csv');
    expect(parseText(text, 'firefox-csv').entries.map((e) => [e.name, e.username, e.value, e.url])).toEqual([
      ['www.forge.test', '', 'pw-1', 'https://www.forge.test'],
      ['bare-name.test', 'quill', 'pw-2', 'bare-name.test'],
      ['blank item', '', '', ''],
    ]);
  });
});

describe('any other CSV', () => {
  it('is "csv"; guessCsvMapping picks the columns by their header words', () => {
    const headers = ['Service', 'Login', 'Secret', 'Website', 'Comments', 'OTP', 'Folder'];
    expect(guessCsvMapping(headers)).toEqual({ name: 0, username: 1, value: 2, url: 3, notes: 4, totp: 5, group: 6 });
    expect(guessCsvMapping(['title', 'user name', 'api_key', 'category'])).toEqual({ name: 0, username: 1, value: 2, group: 3 });
    expect(guessCsvMapping(['login_uri', 'login_password', 'emailAddress'])).toEqual({ url: 0, value: 1, username: 2 });
    expect(guessCsvMapping(['Secret Name', 'Secret Value', 'Login Name'])).toEqual({ name: 0, value: 1, username: 2 });
    expect(guessCsvMapping(['a', 'b'])).toEqual({});
  });

  it('reads rows with the guessed mapping; an untitled row is named from its URL host, then its username, then "Entry N"', () => {
    const text = lf(['Title,Username,Token,URL,Notes,Category', 'db,admin,tok-1,,,Ops/Prod', ',ci-bot,tok-2,https://ci.example.test/x,,', ',deployer,tok-3,,,', ',,tok-4,,note,']);
    expect(detectTextFormat(text)).toBe('csv');
    expect(csvHeaders(text)).toEqual(['Title', 'Username', 'Token', 'URL', 'Notes', 'Category']);
    const result = parseText(text, 'csv');
    expect(result.format).toBe('csv');
    expect(result.entries.map((e) => [e.name, e.value, e.group])).toEqual([
      ['db', 'tok-1', 'Ops/Prod'],
      ['ci.example.test', 'tok-2', ''],
      ['deployer', 'tok-3', ''],
      ['Entry 4', 'tok-4', ''],
    ]);
  });

  it('uses the mapping the person chose instead of the guess, and reads a semicolon-separated file', () => {
    const text = lf(['first;second;third', 'alpha;one;x', 'beta;two;y']);
    expect(detectTextFormat(text)).toBe('csv');
    expect(parseText(text, 'csv', { name: 2, value: 0 }).entries.map((e) => [e.name, e.value])).toEqual([
      ['x', 'alpha'],
      ['y', 'beta'],
    ]);
  });

  it('refuses a CSV with no usable name or value column, and a mapping outside the columns, with InteropError', () => {
    expect(refusal(() => parseText(lf(['a,b', '1,2']), 'csv')).code).toBe('Unsupported');
    expect(refusal(() => parseText(lf(['a,b', '1,2']), 'csv', { username: 0 })).code).toBe('Unsupported');
    const outside = refusal(() => parseText(lf(['a,b', '1,secret-cell']), 'csv', { value: 5 }));
    expect(outside.code).toBe('Unsupported');
    expect(outside.message).not.toContain('secret-cell');
  });
});

describe('detection and refusals', () => {
  it('the file name decides only between formats that both fit the header', () => {
    const both = lf(['Group,Title,Username,Password,URL,Notes,UUID', 'Root,t,u,p,,,id']);
    expect(detectTextFormat(both)).toBe('keepassxc-csv');
    expect(detectTextFormat(both, 'my-1password-export.csv')).toBe('1password-csv');
    expect(detectTextFormat(lf(['name,url,username,password', 'a,b,c,d']), 'lastpass.csv')).toBe('chrome-csv');
  });

  it('tells .env from CSV, and the .env file name breaks a tie', () => {
    expect(detectTextFormat('API_KEY=abc\nOTHER=1\n')).toBe('dotenv');
    expect(detectTextFormat('# nothing yet\n', '.env')).toBe('dotenv');
    expect(detectTextFormat('# nothing yet\n')).toBeNull();
    expect(detectTextFormat('just one line of words')).toBeNull();
    expect(detectTextFormat('')).toBeNull();
    expect(detectTextFormat('{"items":[1,2],"folders":[]}')).toBeNull();
    expect(detectTextFormat('<?xml version="1.0"?><a b="1,2"/>')).toBeNull();
    expect(detectTextFormat('\u0003\ufffd\u0000,\ufffd,x')).toBeNull();
  });

  it('finds the header after blank lines, as the reader does', () => {
    const text = '\n  \n\nname,url,username,password\nforge,https://forge.test,quill,pw';
    expect(csvHeaders(text)).toEqual(['name', 'url', 'username', 'password']);
    expect(detectTextFormat(text)).toBe('chrome-csv');
    expect(parseText(text, 'chrome-csv').entries.map((e) => e.name)).toEqual(['forge']);
  });

  it('strips a BOM before the header', () => {
    const text = '\ufeffname,url,username,password\nforge,https://forge.test,quill,pw';
    expect(detectTextFormat(text)).toBe('chrome-csv');
    expect(parseText(text, 'chrome-csv').entries[0]?.name).toBe('forge');
  });

  it('a file whose header is not the chosen format is Damaged; a cut-off quoted cell is Damaged; the message holds no cell', () => {
    const chrome = lf(['name,url,username,password', 'forge,https://forge.test,quill,hunter2-secret']);
    const wrong = refusal(() => parseText(chrome, 'lastpass-csv'));
    expect(wrong.code).toBe('Damaged');
    expect(wrong.message).not.toContain('hunter2');
    const cut = refusal(() => parseText('name,url,username,password\nforge,https://forge.test,quill,"hunter2-sec', 'chrome-csv'));
    expect(cut.code).toBe('Damaged');
    expect(cut.message).not.toContain('hunter2');
    expect(refusal(() => parseText('', 'chrome-csv')).code).toBe('Damaged');
    expect(refusal(() => parseText('x', 'kdbx')).code).toBe('Unsupported');
  });

  it('rows with nothing in them are not entries', () => {
    const text = lf(['name,url,username,password', 'a,,,p', ',,,', '', '  ,  ,,', 'b,,,q', '']);
    expect(parseText(text, 'chrome-csv').entries.map((e) => e.name)).toEqual(['a', 'b']);
  });
});

describe('round trip (fast-check)', () => {
  /** Any text but CR (the reader turns CRLF inside cells into LF, as notes are kept). */
  const cell = fc.string({ unit: 'binary', maxLength: 24 }).filter((v) => !v.includes('\r'));
  const name = cell.filter((v) => v.trim() !== '' && v === v.trim());

  it('any cells written by a CSV writer (quotes, commas, newlines, backslashes) come back exactly from a Chrome CSV', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(name, cell, cell, cell), { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', '\r\n'), (rows, newline) => {
        const text = Papa.unparse({ fields: ['name', 'url', 'username', 'password', 'note'], data: rows.map(([n, u, p, note]) => [n, 'https://site.test', u, p, note]) }, { newline });
        expect(detectTextFormat(text)).toBe('chrome-csv');
        const entries = parseText(text, 'chrome-csv').entries;
        expect(entries.map((e) => [e.name, e.username, e.value, e.notes])).toEqual(rows.map(([n, u, p, note]) => [n, u, p, note]));
      }),
      { numRuns: 300 },
    );
  });

  it('a generic CSV read with a chosen mapping gives back the chosen columns', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(name, cell), { minLength: 1, maxLength: 6 }), (rows) => {
        const text = Papa.unparse({ fields: ['first', 'second'], data: rows });
        const entries = parseText(text, 'csv', { value: 1, name: 0 }).entries;
        expect(entries.map((e) => [e.name, e.value])).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });
});
