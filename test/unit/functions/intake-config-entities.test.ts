// Web forms and settings lists are stored exactly as before (keys, the list index, tags,
// attributes), so deployed forms and lists keep working without a migration; their answers are
// the API's own shapes, mapped from the records, and never show a form's signing secret.
import { describe, expect, it } from 'vitest';
import { demoWebform } from '../../../domain/webforms/webform.ts';
import { toSettingsResponse } from '../../../functions/settings/settings.routes.ts';
import { settingsLists } from '../../../functions/settings/settings-list.entity.ts';
import { webforms } from '../../../functions/webforms/webform.entity.ts';
import { toWebformResponse } from '../../../functions/webforms/webform-response.ts';

const form = demoWebform(new Date('2031-05-04T08:09:10.123Z'));
const secret = 's'.repeat(43);

describe('stored web forms', () => {
  it('keeps the item of a form: under its key, listed by key, with its signing secret', () => {
    expect(webforms.item({ ...form, signingSecret: secret })).toStrictEqual({
      pk: 'WEBFORM#demo',
      sk: 'WEBFORM',
      gsi1pk: 'WEBFORMS',
      gsi1sk: 'demo',
      _et: 'webform',
      _v: 1,
      ...form,
      signingSecret: secret,
    });
    expect(webforms.patterns.byKey()).toEqual({ index: 'gsi1', partition: 'WEBFORMS' });
  });

  it('reads a form stored before spam settings, versions and signing with their defaults and no secret', () => {
    const { honeypotField: _h, minFillSeconds: _m, createdAt: _c, updatedAt: _u, version: _v, ...first } = form;

    expect(webforms.parse({ pk: 'WEBFORM#demo', sk: 'WEBFORM', _et: 'webform', _v: 1, ...first })).toStrictEqual({
      ...first,
      honeypotField: 'website',
      minFillSeconds: 0,
      createdAt: '1970-01-01T00:00:00.000Z',
      updatedAt: '1970-01-01T00:00:00.000Z',
      version: 1,
    });
  });

  it('answers what it answered before, and never the signing secret', () => {
    const stored = webforms.parse(webforms.item({ ...form, signingSecret: secret }));
    const { signingSecret: _s, ...read } = stored;

    expect(JSON.stringify(toWebformResponse(read))).toBe(JSON.stringify(form));
    expect(JSON.stringify(toWebformResponse(stored))).not.toContain(secret);
  });
});

describe('stored settings lists', () => {
  it('keeps the item of a list: one per list, its name and values', () => {
    expect(settingsLists.item({ list: 'sources', items: ['webform', 'fair'] })).toStrictEqual({
      pk: 'SETTINGS#sources',
      sk: 'SETTINGS',
      _et: 'settings',
      _v: 1,
      list: 'sources',
      items: ['webform', 'fair'],
    });
  });

  it('answers a list with its name and values', () => {
    expect(JSON.stringify(toSettingsResponse('sources', ['webform', 'fair']))).toBe(
      JSON.stringify({ list: 'sources', items: ['webform', 'fair'] }),
    );
  });
});
