// An agency batch is judged lead by lead: what the edge refuses in other requests makes one lead
// `invalid`, naming its field, and never the batch a 400 or a 500.
import { describe, expect, it } from 'vitest';
import { checkAgencyLead } from '../../../functions/agencies/agency-input.ts';

const good = { contact: { lastName: 'Muster', email: 'max@example.com' } };

describe('agency leads, lead by lead', () => {
  it.each([
    ['a control character in a name', { contact: { lastName: 'Mu\u0000ster' } }, 'leads.1.contact.lastName'],
    ['a bidi override', { contact: { lastName: 'a\u202eb' } }, 'leads.1.contact.lastName'],
    ['a reserved field name', JSON.parse('{"contact":{"lastName":"M"},"constructor":"x"}'), 'leads.1.constructor'],
    [
      'a budget of 1e-200',
      { ...good, expectedBudget: { amount: 1e-200, currency: 'EUR' } },
      'leads.1.expectedBudget.amount',
    ],
    [
      'a budget of 1e200',
      { ...good, expectedBudget: { amount: 1e200, currency: 'EUR' } },
      'leads.1.expectedBudget.amount',
    ],
    [
      'a budget in fractions of a cent',
      { ...good, expectedBudget: { amount: 10.005, currency: 'EUR' } },
      'leads.1.expectedBudget.amount',
    ],
  ])('answers a lead with %s as invalid, naming the field', (_, lead, field) => {
    const checked = checkAgencyLead(lead, 1);

    expect(checked.valid).toBe(false);
    const errors = !checked.valid && checked.result.status === 'invalid' ? checked.result.errors : [];
    expect(errors.map((e) => e.field)).toContain(field);
  });

  it('keeps line breaks in a lead’s message', () => {
    expect(checkAgencyLead({ ...good, message: 'Zeile 1\r\nZeile 2' }, 0).valid).toBe(true);
  });
});
