// What a card says about a contact, from cards as Outlook, Apple, Google and Android write them.
import { describe, expect, it } from 'vitest';
import { birthdayOf, readContact } from '../../../domain/vcards/vcard-contact.ts';
import { readVCards } from '../../../domain/vcards/vcard-lines.ts';

const crlf = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;
const contactOf = (file: string | Uint8Array) => {
  const [card] = readVCards(file);
  if (!card) throw new Error('no card');
  return readContact(card);
};

describe('a card as a contact', () => {
  it('reads Apple’s card: names, organisation and unit, typed and labelled emails and phones, address, note, photo', () => {
    const reading = contactOf(
      crlf(
        'BEGIN:VCARD',
        'VERSION:3.0',
        'N:Schäfer;Anna;Maria;Dr.;',
        'FN:Dr. Anna Maria Schäfer',
        'ORG:Schäfer & Söhne GmbH;Einkauf',
        'TITLE:Leiterin Einkauf',
        'item1.EMAIL;type=INTERNET;type=WORK;type=pref:anna@schaefer.example',
        'item2.EMAIL;type=INTERNET:anna.privat@example.de',
        'item2.X-ABLabel:_$!<Other>!$_',
        'TEL;type=CELL;type=VOICE:+49 171 2345678',
        'item3.TEL:030 1234567',
        'item3.X-ABLabel:Zentrale',
        'ADR;type=WORK:;;Hafenweg 2;Hamburg;;20457;Deutschland',
        'BDAY;value=date:1979-11-03',
        'URL:https://schaefer.example',
        'NOTE:Messe 2026\\, Halle 3',
        'CATEGORIES:Kunde,VIP',
        'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ',
        'END:VCARD',
      ),
    );
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    expect(reading.contact).toMatchObject({
      name: { last: 'Schäfer', first: 'Anna', middle: 'Maria', prefix: 'Dr.', suffix: '' },
      organization: { name: 'Schäfer & Söhne GmbH', units: ['Einkauf'] },
      title: 'Leiterin Einkauf',
      emails: [
        { address: 'anna@schaefer.example', types: ['work'], label: null, preferred: true },
        { address: 'anna.privat@example.de', types: [], label: 'other', preferred: false },
      ],
      phones: [
        { number: '+49 171 2345678', types: ['cell', 'voice'] },
        { number: '030 1234567', label: 'zentrale' },
      ],
      addresses: [
        { street: 'Hafenweg 2', city: 'Hamburg', postalCode: '20457', country: 'Deutschland', types: ['work'] },
      ],
      birthday: '1979-11-03',
      urls: ['https://schaefer.example'],
      note: 'Messe 2026, Halle 3',
      categories: ['Kunde', 'VIP'],
      photo: { mediaType: 'image/jpeg' },
      skipped: [],
    });
  });

  it('is invalid without N and FN, naming both with their lines', () => {
    const reading = contactOf(crlf('BEGIN:VCARD', 'VERSION:3.0', 'N:;;;;', 'EMAIL:niemand@example.de', 'END:VCARD'));
    expect(reading).toEqual({
      ok: false,
      errors: [
        { property: 'N', line: 3, message: expect.any(String) },
        { property: 'FN', line: 1, message: expect.any(String) },
      ],
    });
  });

  it('takes the name from FN when a card has no N (as some exports write it)', () => {
    const reading = contactOf(crlf('BEGIN:VCARD', 'VERSION:3.0', 'FN:Hans Peter Wolf', 'END:VCARD'));
    expect(reading.ok && reading.contact.name).toEqual({
      last: 'Wolf',
      first: 'Hans Peter',
      middle: '',
      prefix: '',
      suffix: '',
    });
  });

  it('reads birthdays as clients write them, and leaves one without a year out, saying so', () => {
    expect(
      ['19850412', '1985-04-12', '1985-04-12T00:00:00Z', '1985-04-12 00:00:00'].map((b) => birthdayOf(b).date),
    ).toEqual(Array(4).fill('1985-04-12'));
    expect(birthdayOf('--0412')).toEqual({ date: null, reason: expect.stringContaining('year') });
    expect(birthdayOf('1985-02-30').date).toBeNull();
    const reading = contactOf(crlf('BEGIN:VCARD', 'VERSION:4.0', 'FN:Ohne Jahr', 'BDAY:--0412', 'END:VCARD'));
    expect(reading.ok && reading.contact.skipped).toEqual([{ property: 'BDAY', line: 4, message: expect.any(String) }]);
  });

  it('keeps a photo given by a web address as a link, and reads a 4.0 data URI photo', () => {
    const linked = contactOf(
      crlf('BEGIN:VCARD', 'VERSION:4.0', 'FN:Link', 'PHOTO:https://example.com/p.jpg', 'END:VCARD'),
    );
    const inline = contactOf(
      crlf('BEGIN:VCARD', 'VERSION:4.0', 'FN:Inline', 'PHOTO:data:image/png;base64,iVBORw0K', 'END:VCARD'),
    );
    expect(linked.ok && linked.contact.photo).toEqual({ uri: 'https://example.com/p.jpg' });
    expect(inline.ok && inline.contact.photo).toMatchObject({ mediaType: 'image/png' });
  });

  it('reads Outlook’s 2.1 card in Windows-1252 with its umlauts intact', () => {
    const file = crlf(
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:Gr=F6=DFer;J=FCrgen',
      'ORG;CHARSET=Windows-1252:Bäckerei Größer',
      'TEL;WORK;VOICE:(0221) 123456',
      'EMAIL;PREF;INTERNET:j.groesser@example.de',
      'END:VCARD',
    );
    const reading = contactOf(Buffer.from(file, 'latin1'));
    expect(reading.ok && reading.contact).toMatchObject({
      name: { last: 'Größer', first: 'Jürgen' },
      organization: { name: 'Bäckerei Größer' },
      phones: [{ number: '(0221) 123456', types: ['work', 'voice'] }],
      emails: [{ address: 'j.groesser@example.de', preferred: true }],
    });
  });

  it('leaves out Apple’s birthday without a year (its stand-in year named in X-APPLE-OMIT-YEAR)', () => {
    const reading = contactOf(
      crlf('BEGIN:VCARD', 'VERSION:3.0', 'FN:Apfel', 'BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12', 'END:VCARD'),
    );
    expect(reading.ok && [reading.contact.birthday, reading.contact.skipped.map((s) => s.property)]).toEqual([
      null,
      ['BDAY'],
    ]);
  });

  it('takes the name from FN when N holds only a salutation, keeping the salutation', () => {
    const reading = contactOf(crlf('BEGIN:VCARD', 'VERSION:3.0', 'N:;;;Herr;', 'FN:Hans Meier', 'END:VCARD'));
    expect(reading.ok && reading.contact.name).toEqual({
      last: 'Meier',
      first: 'Hans',
      middle: '',
      prefix: 'Herr',
      suffix: '',
    });
  });

  it('is invalid when N holds only a salutation and there is no FN', () => {
    expect(contactOf(crlf('BEGIN:VCARD', 'VERSION:3.0', 'N:;;;Herr;', 'END:VCARD')).ok).toBe(false);
  });
});
