import { describe, expect, it } from 'vitest';
import {
  detectTarget,
  headerProblem,
  mapColumns,
  mapRow,
  normaliseHeader,
  rawRow,
} from '../../../domain/imports/header-mapping.ts';

describe('import header mapping', () => {
  it('treats case, umlauts, ß, spaces, hyphens and slashes alike', () => {
    expect(normaliseHeader(' E-Mail-Adresse ')).toBe('emailadresse');
    expect(normaliseHeader('Telefon geschäftlich')).toBe(normaliseHeader('TELEFON GESCHAEFTLICH'));
    expect(normaliseHeader('Straße')).toBe(normaliseHeader('strasse'));
    expect(normaliseHeader('Land/Region')).toBe('landregion');
  });

  it('knows German headers', () => {
    const headers = [
      'Anrede',
      'Titel',
      'Vorname',
      'Nachname',
      'Firma',
      'E-Mail',
      'Telefon',
      'Straße',
      'PLZ',
      'Ort',
      'Land',
      'Notizen',
    ];

    expect(headers.map(detectTarget)).toEqual([
      'salutation',
      'title',
      'firstName',
      'lastName',
      'companyName',
      'email',
      'phone',
      'street',
      'postalCode',
      'city',
      'country',
      'message',
    ]);
  });

  it('knows English headers', () => {
    const headers = [
      'Salutation',
      'First Name',
      'Surname',
      'Company',
      'Email',
      'Phone',
      'Street',
      'ZIP',
      'City',
      'Country',
      'Notes',
    ];

    expect(headers.map(detectTarget)).toEqual([
      'salutation',
      'firstName',
      'lastName',
      'companyName',
      'email',
      'phone',
      'street',
      'postalCode',
      'city',
      'country',
      'message',
    ]);
  });

  it('knows the names of Outlook’s German and English contact exports, leaving its other columns out', () => {
    const german = [
      'Anrede',
      'Vorname',
      'Weitere Vornamen',
      'Nachname',
      'Firma',
      'Abteilung',
      'Straße geschäftlich',
      'Ort geschäftlich',
      'Postleitzahl geschäftlich',
      'Land/Region geschäftlich',
      'Telefon geschäftlich',
      'Mobiltelefon',
      'E-Mail-Adresse',
      'E-Mail: angezeigter Name',
      'Notizen',
    ];
    const english = [
      'Title',
      'First Name',
      'Middle Name',
      'Last Name',
      'Company',
      'Business Street',
      'Business City',
      'Business Postal Code',
      'Business Country/Region',
      'Business Phone',
      'Mobile Phone',
      'E-mail Address',
      'E-mail Display Name',
      'Notes',
    ];

    expect(mapColumns(german).columns).toEqual([
      'salutation',
      'firstName',
      null,
      'lastName',
      'companyName',
      null,
      'street',
      'city',
      'postalCode',
      'country',
      'phone',
      'phone',
      'email',
      null,
      'message',
    ]);
    expect(mapColumns(english).columns).toEqual([
      'salutation',
      'firstName',
      null,
      'lastName',
      'companyName',
      'street',
      'city',
      'postalCode',
      'country',
      'phone',
      'phone',
      'email',
      null,
      'message',
    ]);
  });

  it('lets an explicit mapping name unknown columns, re-target known ones and leave columns out', () => {
    const mapping = mapColumns(['Kd-Name', 'Mail', 'Notizen'], { 'kd name': 'lastName', MAIL: 'phone', Notizen: null });

    expect(mapping).toEqual({ columns: ['lastName', 'phone', null], missing: [] });
  });

  it('reports mapped headers the file does not have', () => {
    expect(mapColumns(['Name'], { Name: 'lastName', Kundennummer: null }).missing).toEqual(['Kundennummer']);
  });

  it('takes the first non-empty value when several columns feed one field', () => {
    const columns = mapColumns(['Nachname', 'Telefon geschäftlich', 'Mobiltelefon']).columns;

    expect(mapRow(columns, [' Muster ', '', '0170 1234'])).toEqual({ lastName: 'Muster', phone: '0170 1234' });
    expect(mapRow(columns, ['Muster', '030 1', '0170 1234'])).toEqual({ lastName: 'Muster', phone: '030 1' });
  });

  it('keeps the raw row with every value, renaming repeated and blank headers', () => {
    expect(rawRow(['Telefon', 'Telefon', ''], ['1', '2', '3', 'extra'])).toEqual({
      Telefon: '1',
      'Telefon (2)': '2',
      'column 3': '3',
      'column 4': 'extra',
    });
  });

  it('never keys the raw row by a name a stored map cannot carry (constructor, __proto__, prototype)', () => {
    const raw = rawRow(['constructor', '__proto__', 'prototype', 'E-Mail'], ['a', 'b', 'c', 'x@example.com']);

    expect(raw).toEqual({
      'column 1 (constructor)': 'a',
      'column 2 (__proto__)': 'b',
      'column 3 (prototype)': 'c',
      'E-Mail': 'x@example.com',
    });
    expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
  });

  it('refuses a header row that names no known column, or none that reaches anyone', () => {
    const unknown = ['Max', 'Mustermann', 'max@example.com'];
    const nameOnly = ['Vorname', 'Anrede'];

    expect(headerProblem(unknown, mapColumns(unknown))).toMatch(/no column header is recognised.*"Max"/);
    expect(headerProblem(nameOnly, mapColumns(nameOnly))).toMatch(/no column gives a way to reach anyone/);
    expect(headerProblem(['Firma'], mapColumns(['Firma']))).toBeNull();
  });
});
