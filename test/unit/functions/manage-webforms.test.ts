// Web-form configuration refuses what would quietly break the form: a honeypot every real visitor fills.
import { describe, expect, it } from 'vitest';
import { demoWebform, type Webform } from '../../../domain/webforms/webform.ts';
import type { HttpRequest } from '../../../functions/shared/http.ts';
import { createWebform, patchWebform } from '../../../functions/webforms/manage-webforms.ts';
import { NewWebformBody, WebformPatchBody } from '../../../functions/webforms/webform-input.ts';
import { apiEvent } from '../../support/events.ts';

const setup = () => {
  const saved: Webform[] = [];
  let current: Webform = demoWebform(new Date('2026-05-01T00:00:00.000Z'));
  const deps = {
    forms: {
      get: async (key: string) => (key === current.key ? { form: current, signingSecret: 's' } : null),
      create: async (form: Webform) => void saved.push(form),
      update: async (form: Webform) => {
        saved.push(form);
        current = form;
      },
      list: async () => ({ items: [], nextCursor: null }),
    },
    users: { findUser: async () => null },
    settings: { get: async () => ['low', 'normal', 'high'] },
    now: () => new Date('2026-05-04T08:00:00.000Z'),
  };
  return { deps, saved };
};

const request = <B, P>(body: B, path: P): HttpRequest<B, P, undefined> => ({
  body,
  bodyKind: 'json',
  path,
  query: undefined,
  user: null,
  headers: {},
  event: apiEvent({ routeKey: 'POST /v1/webforms' }),
  requestId: 'r',
});

const refusal = async (run: Promise<unknown>) =>
  run.then(
    () => 'accepted',
    (error: unknown) => error,
  );

describe('web-form configuration', () => {
  it.each(['email', 'pageUrl', '_kontakt_ts'])(
    'refuses a honeypot named like a field every real lead sends (%s), naming honeypotField',
    async (honeypotField) => {
      const { deps, saved } = setup();
      const body = NewWebformBody.parse({
        key: 'shop',
        name: 'Shop',
        fieldMapping: { email: 'email', name: 'lastName' },
        honeypotField,
      });

      const answer = await refusal(createWebform(deps)(request(body, undefined)));

      expect(answer).toMatchObject({ code: 'validation-failed', errors: [{ field: 'honeypotField' }] });
      expect(saved).toEqual([]);
    },
  );

  it('refuses a change that maps the honeypot field', async () => {
    const { deps, saved } = setup();
    const body = WebformPatchBody.parse({ version: 1, fieldMapping: { website: 'companyName', lastName: 'lastName' } });

    const answer = await refusal(patchWebform(deps)(request(body, { formKey: 'demo' })));

    expect(answer).toMatchObject({ code: 'validation-failed', errors: [{ field: 'honeypotField' }] });
    expect(saved).toEqual([]);
  });

  it.each([['constructor'], ['__proto__'], ['prototype']])('refuses %s as the honeypot field name', (name) => {
    expect(NewWebformBody.safeParse({ key: 'x1', name: 'X', fieldMapping: {}, honeypotField: name }).success).toBe(
      false,
    );
  });
});
