// A person exported as a vCard and imported again is the same person, with no field lost.
import { describe, expect, it } from 'vitest';
import { type PersonCard, personFromContact, personVCard } from '../../../domain/vcards/person-vcard.ts';
import { readContact } from '../../../domain/vcards/vcard-contact.ts';
import { readVCards } from '../../../domain/vcards/vcard-lines.ts';
import { formatVCard, type VCardVersion } from '../../../domain/vcards/vcard-writer.ts';

const roundTrip = (person: PersonCard, version: VCardVersion): PersonCard => {
  const [card] = readVCards(formatVCard(version, personVCard(person, version)));
  if (!card) throw new Error('no card');
  const reading = readContact(card);
  if (!reading.ok) throw new Error(JSON.stringify(reading.errors));
  return personFromContact(reading.contact);
};

const full: PersonCard = {
  salutation: 'Frau',
  title: 'Prof. Dr.',
  firstName: 'Änne',
  lastName: 'Groß-Öztürk',
  emails: ['aenne@grosz.example', 'aenne.privat@example.de'],
  phones: ['+4930123456', '+491711234567'],
  address: {
    street: 'Straße des 17. Juni 135',
    addressLine2: 'Raum 4, 2. OG',
    postalCode: '10623',
    city: 'Berlin',
    country: 'DE',
  },
  birthday: '1971-02-28',
  position: 'Leiterin Forschung; Entwicklung',
  role: 'Entscheiderin, Budget',
  urls: ['https://grosz.example/team?a=1;b=2', 'http://aenne.example'],
  note: 'Erste Zeile\\ mit Backslash;\nzweite Zeile, mit Komma',
  tags: ['Messe 2026', 'VIP, A-Kunde', 'Rückruf'],
  photo: { bytes: Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 256), mediaType: 'image/png' },
  department: 'F&E',
  origin: 'Messe',
  companyName: 'Groß, Öztürk & Partner GmbH',
};

describe('a person as a vCard and back', () => {
  it('writes the photo as 3.0 ENCODING=b with its type and 4.0 as a data: URI, a link as a URI, folded at 75 octets', () => {
    const photo = { bytes: Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...Array(200).fill(65)]), mediaType: 'image/jpeg' };
    const v3 = formatVCard('3.0', personVCard({ lastName: 'Bild', emails: [], phones: [], photo }, '3.0'));
    expect(v3).toMatch(/^PHOTO;ENCODING=b;TYPE=JPEG:\/9j\/4E/m);
    const v4 = formatVCard('4.0', personVCard({ lastName: 'Bild', emails: [], phones: [], photo }, '4.0'));
    expect(v4).toMatch(/^PHOTO:data:image\/jpeg;base64,\/9j\/4E/m);
    for (const text of [v3, v4]) for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(75);
    const link = formatVCard(
      '3.0',
      personVCard({ lastName: 'Bild', emails: [], phones: [], photo: { url: 'https://cdn.example/p.jpg' } }, '3.0'),
    );
    expect(link).toContain('PHOTO;VALUE=uri:https://cdn.example/p.jpg\r\n');
    expect(
      roundTrip({ lastName: 'Bild', emails: [], phones: [], photo: { url: 'https://cdn.example/p.jpg' } }, '4.0').photo,
    ).toEqual({
      url: 'https://cdn.example/p.jpg',
    });
  });

  for (const version of ['3.0', '4.0'] as const) {
    it(`keeps every field through ${version}`, () => {
      expect(roundTrip(full, version)).toEqual(full);
    });
  }

  it('keeps a salutation no list knows, a department without a company, and an address of a second line only', () => {
    const odd: PersonCard = {
      salutation: 'Herrn',
      title: 'Dipl.-Ing.',
      lastName: 'Ohnefirma',
      emails: [],
      phones: [],
      department: 'Einkauf',
      address: { addressLine2: 'c/o Meier' },
    };
    for (const version of ['3.0', '4.0'] as const) expect(roundTrip(odd, version)).toEqual(odd);
  });

  it('keeps a person known by last name only, and a salutation without a title', () => {
    const kempton: PersonCard = { salutation: 'Herr', lastName: 'Kempton', emails: [], phones: [] };
    expect(roundTrip(kempton, '3.0')).toEqual(kempton);
  });

  it('writes Outlook’s 3.0: N with salutation and title as prefix, EMAIL with INTERNET, the first one preferred', () => {
    const text = formatVCard('3.0', personVCard(full, '3.0'));
    expect(text).toContain('N:Groß-Öztürk;Änne;;Frau Prof. Dr.;\r\n');
    expect(text).toContain('FN:Prof. Dr. Änne Groß-Öztürk\r\n');
    expect(text).toContain('EMAIL;TYPE=internet,pref:aenne@grosz.example\r\n');
    expect(text).toContain('ORG:Groß\\, Öztürk & Partner GmbH;F&E\r\n');
  });
});
