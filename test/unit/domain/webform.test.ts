import { describe, expect, it } from 'vitest';
import {
  demoWebform,
  detectSpam,
  isAllowedOrigin,
  isReachable,
  mapSubmission,
} from '../../../domain/webforms/webform.ts';

const form = demoWebform(new Date('2026-01-01T00:00:00.000Z'));

describe('mapSubmission', () => {
  it('maps posted fields to contact fields and the message, ignoring blanks and unknown fields', () => {
    const mapped = mapSubmission(form, {
      firstName: ' Max ',
      lastName: 'Muster',
      company: 'ACME GmbH',
      phone: '   ',
      message: 'Bitte um Rückruf',
      newsletter: 'yes',
    });

    expect(mapped).toEqual({
      contact: { firstName: 'Max', lastName: 'Muster', companyName: 'ACME GmbH' },
      message: 'Bitte um Rückruf',
      consentGiven: false,
    });
  });

  it('captures a ticked consent box, the page, the referrer and UTM parameters', () => {
    const mapped = mapSubmission(
      form,
      {
        lastName: 'M',
        consent: 'on',
        referrer: 'https://google.com/',
        utm_source: 'newsletter',
        utm_campaign: 'spring',
      },
      'https://www.example.com/kontakt',
    );

    expect(mapped.consentGiven).toBe(true);
    expect(mapped.tracking).toEqual({
      pageUrl: 'https://www.example.com/kontakt',
      referrer: 'https://google.com/',
      utm: { source: 'newsletter', campaign: 'spring' },
    });
  });
});

describe('isReachable', () => {
  it('needs an email, a phone, a last name or a company', () => {
    expect(isReachable({ firstName: 'Max' })).toBe(false);
    expect(isReachable({ phone: '030 123' })).toBe(true);
    expect(isReachable({ companyName: 'ACME' })).toBe(true);
  });
});

describe('detectSpam', () => {
  const now = new Date('2026-01-01T12:00:10.000Z');

  it('flags a filled honeypot, a forged token and a form filled faster than the minimum', () => {
    expect(detectSpam(form, { website: 'http://spam' }, { kind: 'absent' }, now)).toBe('honeypot');
    expect(detectSpam(form, {}, { kind: 'invalid' }, now)).toBe('forged_token');
    expect(detectSpam(form, {}, { kind: 'valid', issuedAt: now.getTime() - 1000 }, now)).toBe('too_fast');
  });

  it('lets a person through, and a plain HTML form without a token', () => {
    expect(detectSpam(form, { website: '' }, { kind: 'valid', issuedAt: now.getTime() - 8000 }, now)).toBeNull();
    expect(detectSpam(form, {}, { kind: 'absent' }, now)).toBeNull();
  });
});

describe('isAllowedOrigin', () => {
  it('compares whole origins, case-insensitively', () => {
    expect(isAllowedOrigin(form, 'http://LOCALHOST:3000')).toBe(true);
    expect(isAllowedOrigin(form, 'http://localhost:3001')).toBe(false);
    expect(isAllowedOrigin(form, 'http://localhost:3000.evil.com')).toBe(false);
  });
});

describe('links and field names from a browser', () => {
  it('keeps only http(s) links as tracking: a javascript: page or referrer is dropped, the lead kept', () => {
    const mapped = mapSubmission(
      form,
      { lastName: 'M', pageUrl: 'javascript:alert(document.cookie)', referrer: 'data:text/html,<script>x</script>' },
      'https://www.example.com/kontakt',
    );
    const noPage = mapSubmission(form, { lastName: 'M', pageUrl: ' JavaScript:alert(1)' });
    const relative = mapSubmission(form, { lastName: 'M', referrer: '//evil.example/x', pageUrl: 'https://ok.de/a' });

    expect(mapped.contact).toEqual({ lastName: 'M' });
    expect(mapped.tracking).toEqual({ pageUrl: 'https://www.example.com/kontakt' });
    expect(noPage.tracking).toBeUndefined();
    expect(relative.tracking).toEqual({ pageUrl: 'https://ok.de/a' });
  });

  it('keeps tracking one line: line breaks hidden in a page URL or a utm value are gone', () => {
    const mapped = mapSubmission(form, {
      lastName: 'M',
      pageUrl: 'https://shop.example/\r\nSet-Cookie: a=b',
      utm_source: 'news\r\nletter\t',
      utm_campaign: 'herbst\u202e',
    });

    expect(mapped.tracking?.pageUrl).not.toMatch(/[\r\n]/);
    expect(mapped.tracking?.pageUrl).toMatch(/^https:\/\/shop\.example\//);
    expect(mapped.tracking?.utm).toEqual({ source: 'news letter', campaign: 'herbst' });
  });

  it('reads only fields that were posted, whatever a mapping or the honeypot is called', () => {
    const odd = {
      ...form,
      fieldMapping: { toString: 'email' as const, valueOf: 'lastName' as const },
      honeypotField: 'hasOwnProperty',
    };

    expect(mapSubmission(odd, { lastName: 'M' })).toEqual({ contact: {}, consentGiven: false });
    expect(detectSpam(odd, {}, { kind: 'absent' }, new Date())).toBeNull();
  });
});
