import { describe, expect, it } from 'vitest';
import { mapFieldData, splitFullName } from '../../../functions/facebook/facebook-lead-fields.ts';

const field = (name: string, ...values: string[]) => ({ name, values });

describe('mapping a Facebook lead’s field_data', () => {
  it('maps Meta’s standard fields onto the contact', () => {
    const mapped = mapFieldData([
      field('full_name', 'Max Mustermann'),
      field('email', 'max@example.com'),
      field('phone_number', '+4915112345678'),
      field('company_name', 'Muster GmbH'),
      field('street_address', 'Hauptstraße 1'),
      field('zip_code', '10115'),
      field('city', 'Berlin'),
      field('country', 'DE'),
    ]);

    expect(mapped).toEqual({
      contact: {
        firstName: 'Max',
        lastName: 'Mustermann',
        email: 'max@example.com',
        phone: '+4915112345678',
        companyName: 'Muster GmbH',
        street: 'Hauptstraße 1',
        postalCode: '10115',
        city: 'Berlin',
        country: 'DE',
      },
      invalidFields: [],
    });
  });

  it('splits a full name: the last word is the last name, a single word is only a last name', () => {
    expect(splitFullName('  Anna  Maria Schmidt ')).toEqual({ firstName: 'Anna Maria', lastName: 'Schmidt' });
    expect(splitFullName('Cher')).toEqual({ lastName: 'Cher' });
    expect(splitFullName('   ')).toEqual({});
  });

  it('prefers explicit first and last names over the split full name', () => {
    const mapped = mapFieldData([
      field('full_name', 'Maria de la Cruz'),
      field('first_name', 'Maria'),
      field('last_name', 'de la Cruz'),
    ]);

    expect(mapped.contact).toEqual({ firstName: 'Maria', lastName: 'de la Cruz' });
    expect(mapped.message).toBeUndefined();
  });

  it('takes post_code as the postal code, and the work email when there is no other', () => {
    expect(mapFieldData([field('post_code', 'SW1A 1AA'), field('work_email', 'a@firma.example')]).contact).toEqual({
      postalCode: 'SW1A 1AA',
      email: 'a@firma.example',
    });
  });

  it('lists the job title and custom questions in the message as "question: answer" lines', () => {
    const mapped = mapFieldData([
      field('email', 'max@example.com'),
      field('job_title', 'Einkauf'),
      field('wann_möchten_sie_starten?', 'in_3_monaten'),
      field('welche_produkte?', 'Solar', 'Speicher'),
      field('leere_frage'),
    ]);

    expect(mapped.contact).toEqual({ email: 'max@example.com' });
    expect(mapped.message).toBe(
      'job_title: Einkauf\nwann_möchten_sie_starten?: in_3_monaten\nwelche_produkte?: Solar, Speicher',
    );
  });

  it('leaves an invalid email out of the contact, names it, and keeps it readable in the message', () => {
    const mapped = mapFieldData([field('full_name', 'Max Muster'), field('email', 'max at example')]);

    expect(mapped.contact).toEqual({ firstName: 'Max', lastName: 'Muster' });
    expect(mapped.invalidFields).toEqual(['email']);
    expect(mapped.message).toBe('email: max at example');
  });

  it('maps a lead without any reachable field to an empty contact rather than failing', () => {
    expect(mapFieldData([field('wie_haben_sie_von_uns_gehört?', 'Messe')])).toEqual({
      contact: {},
      message: 'wie_haben_sie_von_uns_gehört?: Messe',
      invalidFields: [],
    });
  });

  it('stores what people typed without control characters or bidi overrides, one line per answer', () => {
    const mapped = mapFieldData([
      { name: 'first_name', values: ['Ann\u0000a\u202e'] },
      { name: 'last_name', values: ['Sch\u0007midt'] },
      { name: 'phone_number', values: ['030\n123\u000b4567'] },
      { name: 'Wann?\u202e', values: ['morgen\r\nfrüh\u0000'] },
    ]);

    expect(mapped.contact).toMatchObject({ firstName: 'Anna', lastName: 'Schmidt' });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for the control characters a lead must not keep
    expect(JSON.stringify(mapped)).not.toMatch(/[\u0000-\u0008\u000b\u000e-\u001f\u202a-\u202e]/);
    expect(mapped.message).toBe('Wann?: morgen früh');
  });
});
