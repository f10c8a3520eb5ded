// The content-line layer of vCard files, with cards as Outlook, Apple, Google and Android write them
// (versions 2.1, 3.0 and 4.0; RFC 2426, RFC 6350).
import { describe, expect, it } from 'vitest';
import {
  listValue,
  readVCards,
  structuredValue,
  unescapeText,
  type VCardProperty,
} from '../../../domain/vcards/vcard-lines.ts';

const crlf = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;
const prop = (props: VCardProperty[], name: string) => props.find((p) => p.name === name);

describe('reading vCard files', () => {
  it('reads Outlook’s 2.1 card: quoted-printable with soft line breaks in its Windows-1252 code page', () => {
    // "Müller" and "Königstraße" in Windows-1252, the street split by a soft line break
    const file = crlf(
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;LANGUAGE=de;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen',
      'FN;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller',
      'ADR;WORK;PREF;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:;;K=F6nigstra=DFe 12;M=FCnchen;;80331;=',
      'Deutschland',
      'TEL;WORK;VOICE:+49 89 1234567',
      'EMAIL;PREF;INTERNET:juergen.mueller@example.de',
      'END:VCARD',
    );
    const [card] = readVCards(Buffer.from(file, 'latin1'));

    expect(card).toMatchObject({ index: 0, line: 1, version: '2.1', problems: [] });
    const props = card?.properties ?? [];
    expect(structuredValue(prop(props, 'N')?.value ?? '', '2.1')).toEqual(['Müller', 'Jürgen']);
    expect(prop(props, 'FN')?.value).toBe('Jürgen Müller');
    expect(structuredValue(prop(props, 'ADR')?.value ?? '', '2.1')).toEqual([
      '',
      '',
      'Königstraße 12',
      'München',
      '',
      '80331',
      'Deutschland',
    ]);
    expect(prop(props, 'ADR')?.params.TYPE).toEqual(['work', 'pref']);
    expect(prop(props, 'TEL')).toMatchObject({ value: '+49 89 1234567', params: { TYPE: ['work', 'voice'] }, line: 7 });
    expect(prop(props, 'EMAIL')?.params.TYPE).toEqual(['pref', 'internet']);
  });

  it('reads Android’s 2.1 card: quoted-printable UTF-8 with soft breaks in the middle of a character', () => {
    const file = crlf(
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=96zt=C3=BCrk;Ay=',
      '=C5=9Fe;;;',
      'TEL;CELL:0171 2345678',
      'END:VCARD',
    );
    const [card] = readVCards(Buffer.from(file, 'utf8'));
    expect(structuredValue(prop(card?.properties ?? [], 'N')?.value ?? '', '2.1')).toEqual([
      'Öztürk',
      'Ayşe',
      '',
      '',
      '',
    ]);
  });

  it('reads Apple’s 3.0 card: groups with their labels, escapes, a folded base64 photo', () => {
    const file = crlf(
      'BEGIN:VCARD',
      'VERSION:3.0',
      'PRODID:-//Apple Inc.//iPhone OS 17.0//EN',
      'N:Schäfer;Anna;;;',
      'FN:Anna Schäfer',
      'ORG:Schäfer & Söhne GmbH;Vertrieb',
      'item1.EMAIL;type=INTERNET;type=pref:anna@schaefer.example',
      'item1.X-ABLabel:_$!<Other>!$_',
      'item2.TEL:+49 30 1234567',
      'item2.X-ABLabel:Zentrale',
      'NOTE:Erste Zeile\\nZweite Zeile\\, mit Komma',
      'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgAB',
      ' AQEASABIAAD/',
      'END:VCARD',
    );
    const [card] = readVCards(file);
    const props = card?.properties ?? [];

    expect(card?.version).toBe('3.0');
    expect(props.filter((p) => p.group === 'item1').map((p) => [p.name, p.value])).toEqual([
      ['EMAIL', 'anna@schaefer.example'],
      ['X-ABLABEL', '_$!<Other>!$_'],
    ]);
    expect(prop(props, 'EMAIL')?.params.TYPE).toEqual(['internet', 'pref']);
    expect(unescapeText(prop(props, 'NOTE')?.value ?? '', '3.0')).toBe('Erste Zeile\nZweite Zeile, mit Komma');
    expect(structuredValue(prop(props, 'ORG')?.value ?? '', '3.0')).toEqual(['Schäfer & Söhne GmbH', 'Vertrieb']);
    expect(Array.from(prop(props, 'PHOTO')?.bytes?.subarray(0, 3) ?? [])).toEqual([0xff, 0xd8, 0xff]);
  });

  it('reads a 4.0 card: quoted parameter values, type lists, categories', () => {
    const file = crlf(
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Dr. Lena Weiß',
      'N:Weiß;Lena;;Dr.;',
      'TEL;VALUE=uri;TYPE="voice,cell";PREF=1:tel:+49-151-1234567',
      'ADR;TYPE=work;LABEL="Hafenstraße 5\\n20457 Hamburg":;;Hafenstraße 5;Hamburg;;20457;Deutschland',
      'CATEGORIES:Kunde,Messe 2026,VIP',
      'END:VCARD',
    );
    const [card] = readVCards(file);
    const props = card?.properties ?? [];
    expect(prop(props, 'TEL')?.params).toMatchObject({ VALUE: ['uri'], TYPE: ['voice', 'cell'], PREF: ['1'] });
    expect(prop(props, 'TEL')?.value).toBe('tel:+49-151-1234567');
    expect(prop(props, 'ADR')?.params.LABEL).toEqual(['Hafenstraße 5\\n20457 Hamburg']);
    expect(listValue(prop(props, 'CATEGORIES')?.value ?? '', '4.0')).toEqual(['Kunde', 'Messe 2026', 'VIP']);
  });

  it('reads every card of a file in order, with UTF-16 and a UTF-8 BOM alike', () => {
    const two = crlf(
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Eins Ä',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Zwei Ö',
      'END:VCARD',
    );
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(two, 'utf16le')]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(two, 'utf8')]);
    for (const file of [utf16, bom, Buffer.from(two, 'utf8')]) {
      const cards = readVCards(file);
      expect(cards.map((c) => [c.index, c.line, prop(c.properties, 'FN')?.value])).toEqual([
        [0, 1, 'Eins Ä'],
        [1, 5, 'Zwei Ö'],
      ]);
    }
  });

  it('names what it cannot read by property and line, and keeps reading the card and the file', () => {
    const file = crlf(
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Kaputt',
      'this line has no colon',
      'PHOTO;ENCODING=b:***',
      'EMAIL:heil@example.de',
      'END:VCARD',
      'BEGIN:VCARD',
      'FN:Ohne Ende',
    );
    const [broken, unended] = readVCards(file);
    expect(broken?.problems).toEqual([
      { property: 'THIS LINE HAS NO COLON', line: 4, message: expect.any(String) },
      { property: 'PHOTO', line: 5, message: expect.stringContaining('base64') },
    ]);
    expect(prop(broken?.properties ?? [], 'EMAIL')?.value).toBe('heil@example.de');
    expect(unended).toMatchObject({ line: 8, version: null, problems: [{ property: 'END' }] });
  });

  it('keeps a 2.1 backslash that escapes nothing, as in a Windows path', () => {
    expect(unescapeText('C:\\Daten\\Kunden\\; Liste', '2.1')).toBe('C:\\Daten\\Kunden; Liste');
    expect(unescapeText('a\\,b\\;c\\\\d', '3.0')).toBe('a,b;c\\d');
  });

  it('never throws on hostile values: base64 that is no base64 is a problem of its line', () => {
    for (const value of ['abcde', '=', '****', '']) {
      const [card] = readVCards(crlf('BEGIN:VCARD', 'VERSION:3.0', 'FN:X', `PHOTO;ENCODING=b:${value}`, 'END:VCARD'));
      expect(card?.problems).toEqual([{ property: 'PHOTO', line: 4, message: expect.stringContaining('base64') }]);
    }
  });

  it('reads 2.1’s base64 photo whose lines are not indented, up to the blank line that ends it', () => {
    const jpeg = Buffer.from(Array.from({ length: 120 }, (_, i) => (i * 7) % 256)).toString('base64');
    const lines = jpeg.match(/.{1,60}/g) ?? [];
    const file = crlf(
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N:Foto;Fritz',
      `PHOTO;ENCODING=BASE64;TYPE=JPEG:${lines[0]}`,
      ...lines.slice(1),
      '',
      'TEL:0421 123',
      'END:VCARD',
    );
    const [card] = readVCards(file);
    expect(card?.problems).toEqual([]);
    expect(card?.properties.find((p) => p.name === 'PHOTO')?.bytes?.length).toBe(120);
    expect(card?.properties.find((p) => p.name === 'TEL')?.value).toBe('0421 123');
  });

  it('takes a soft line break with white space after its = and keeps a space that begins the next line', () => {
    const [card] = readVCards(
      crlf(
        'BEGIN:VCARD',
        'VERSION:2.1',
        'NOTE;ENCODING=QUOTED-PRINTABLE:Gr=C3=BC=  ',
        '=C3=9Fe aus=',
        ' Bremen',
        'END:VCARD',
      ),
    );
    expect(card?.properties.find((p) => p.name === 'NOTE')?.value).toBe('Grüße aus Bremen');
  });

  it('reads a value of a megabyte folded in thousands of lines', () => {
    const long = 'x'.repeat(1_000_000);
    const folded = (long.match(/.{1,74}/g) ?? []).join('\r\n ');
    const [card] = readVCards(crlf('BEGIN:VCARD', 'VERSION:3.0', 'FN:Lang', `NOTE:${folded}`, 'END:VCARD'));
    expect(card?.properties.find((p) => p.name === 'NOTE')?.value.length).toBe(1_000_000);
  });
});

describe('files put together and files that fight back', () => {
  it('decodes each card on its own: a Windows-1252 card among UTF-8 ones leaves their umlauts intact', () => {
    const utf8 = Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jürgen;;;\r\nEND:VCARD\r\n', 'utf8');
    const cp1252 = Buffer.from('BEGIN:VCARD\r\nVERSION:2.1\r\nN:Bräuer;Sören;;;\r\nEND:VCARD\r\n', 'latin1');
    const cards = readVCards(Buffer.concat([utf8, cp1252, utf8]));
    expect(cards.map((c) => c.properties.find((p) => p.name === 'N')?.value)).toEqual([
      'Müller;Jürgen;;;',
      'Bräuer;Sören;;;',
      'Müller;Jürgen;;;',
    ]);
  });

  it('keeps a 2.1 AGENT’s embedded card inside its card, with a problem naming AGENT', () => {
    const cards = readVCards(
      [
        'BEGIN:VCARD',
        'VERSION:2.1',
        'N:Chefin;Clara',
        'AGENT:',
        'BEGIN:VCARD',
        'VERSION:2.1',
        'N:Assistent;Arno',
        'END:VCARD',
        'EMAIL:clara@chefin.example',
        'END:VCARD',
        '',
      ].join('\r\n'),
    );
    expect(cards).toHaveLength(1);
    expect(cards[0]?.properties.map((p) => p.name)).toEqual(['N', 'AGENT', 'EMAIL']);
    expect(cards[0]?.problems).toEqual([
      { property: 'AGENT', line: 5, message: 'the card of an agent (AGENT) is not imported' },
    ]);
  });

  it('lists at most 50 problems of a card and counts the rest; a junk line names at most 40 characters', () => {
    const junk = `${'x'.repeat(100_000)}\r\n`;
    const [card] = readVCards(`BEGIN:VCARD\r\nVERSION:3.0\r\nN:A;B;;;\r\n${junk.repeat(80)}END:VCARD\r\n`);
    expect(card?.problems).toHaveLength(51);
    expect(card?.problems[0]?.property).toHaveLength(40);
    expect(card?.problems[50]).toMatchObject({ property: '*', message: '30 more problems of this card not listed' });
  });

  it('reads a header folded over thousands of lines without a colon as one junk line, not line by line again', () => {
    const folded = `X-JUNK;P=${'\r\n a;P=b'.repeat(20_000)}`;
    const [card] = readVCards(`BEGIN:VCARD\r\nVERSION:3.0\r\nN:A;B;;;\r\n${folded}\r\nEND:VCARD\r\n`);
    expect(card?.properties.map((p) => p.name)).toEqual(['N']);
    expect(card?.problems).toEqual([expect.objectContaining({ property: 'X-JUNK', line: 4 })]);
  });
});

describe('files of several pieces, and folds through a character', () => {
  it('reads a UTF-8 file with its BOM put after a Windows-1252 card, and a BOM file with a Windows-1252 card in it', () => {
    const cp1252 = Buffer.from('BEGIN:VCARD\r\nVERSION:2.1\r\nN:Bräuer;Sören\r\nEND:VCARD\r\n', 'latin1');
    const utf8 = Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jürgen;;;\r\nEND:VCARD\r\n', 'utf8');
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    for (const file of [Buffer.concat([cp1252, bom, utf8]), Buffer.concat([bom, utf8, cp1252])]) {
      const names = readVCards(file).map((c) => c.properties.find((p) => p.name === 'N')?.value);
      expect(names.sort()).toEqual(['Bräuer;Sören', 'Müller;Jürgen;;;']);
    }
  });

  it('reads a fold through a UTF-8 character and keeps every later line’s number', () => {
    const file = Buffer.concat([
      Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nN:A;B;;;\r\nNOTE:Gr\xc3', 'latin1'),
      Buffer.from('\r\n \xbc\xc3\x9fe aus K\xc3\r\n \xb6ln\r\nEND:VCARD\r\n', 'latin1'),
      Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nN:C;D;;;\r\nEMAIL:kaputt\r\nEND:VCARD\r\n', 'latin1'),
    ]);
    const [first, second] = readVCards(file);
    expect(first?.properties.find((p) => p.name === 'NOTE')?.value).toBe('Grüße aus Köln');
    expect(second?.line).toBe(8);
    expect(second?.properties.find((p) => p.name === 'EMAIL')?.line).toBe(11);
  });
});
