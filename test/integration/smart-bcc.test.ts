// Smart BCC against DynamoDB Local and the S3 emulator: who may file mail, what it links to, the
// quarantine and its release, per-record addresses, one record per message, links that follow a
// merge, alternative sender addresses, and persons made from unmatched addresses.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordAddress, type Verdicts } from '../../domain/emails/smart-bcc.ts';
import { createOpportunity } from '../../domain/opportunities/opportunity.ts';
import type { EmailReceivedV1 } from '../../events/email-received.v1.ts';
import { createActivityRepository } from '../../functions/activities/activity.repository.ts';
import { createCompanyRepository } from '../../functions/contacts/company.repository.ts';
import { createPersonFromEmail } from '../../functions/contacts/email-persons.ts';
import { createLinkTargets } from '../../functions/contacts/link-targets.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { mergePersonInto } from '../../functions/contacts/persons.ts';
import { createRecordMerger } from '../../functions/contacts/record-merge.ts';
import { tableCandidateFinder } from '../../functions/duplicates/find-candidates.ts';
import { createEmailRepository } from '../../functions/emails/email.repository.ts';
import { type EmailsDeps, emailRouteHandlers } from '../../functions/emails/emails.ts';
import { judgeEmail } from '../../functions/emails/judge-email.ts';
import { createMailDirectory } from '../../functions/emails/mail-directory.ts';
import { createMailStore } from '../../functions/emails/mail-store.ts';
import { processEmail } from '../../functions/emails/process-email.ts';
import { createOpportunityRepository } from '../../functions/opportunities/opportunity.repository.ts';
import { createPipelineRepository } from '../../functions/pipelines/pipeline.repository.ts';
import { createSettingsRepository } from '../../functions/settings/settings.repository.ts';
import { httpRouter } from '../../functions/shared/aws-http.ts';
import { createServiceDeskRepository } from '../../functions/tickets/service-desk.repository.ts';
import { createTicketRepository } from '../../functions/tickets/ticket.repository.ts';
import { ticketRouteHandlers } from '../../functions/tickets/tickets.ts';
import {
  addAddress,
  type ConfirmationMail,
  confirmAddress,
  showConfirmation,
} from '../../functions/users/email-addresses.ts';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { createUserAddressRepository } from '../../functions/users/user-address.repository.ts';
import { documentClient, mailBucket, s3Client, tableName } from '../support/aws.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { aCompany, aPerson } from '../support/fixtures.ts';

const doc = documentClient();
const s3 = s3Client();
const domain = 'kontakt.localhost';
const key = 'an-integration-test-key-of-forty-characters';
const users = createUserRepository(doc, tableName);
const persons = createPersonRepository(doc, tableName);
const companies = createCompanyRepository(doc, tableName);
const opportunities = createOpportunityRepository(doc, tableName);
const pipelines = createPipelineRepository(doc, tableName);
const emails = createEmailRepository(doc, tableName);
const directory = createMailDirectory(doc, tableName);
const judge = judgeEmail({ directory, recordAddressKey: async () => key, mailDomain: domain });
const ticketMails: string[] = [];
const worker = processEmail({
  emails,
  mail: createMailStore(s3),
  judge,
  ticketMail: {
    publish: async (event) => {
      ticketMails.push(event.emailId);
    },
  },
  now: () => new Date(),
});
const deps: EmailsDeps = {
  emails,
  directory,
  judge,
  recordAddressKey: async () => key,
  mailDomain: domain,
  ticketMail: {
    publish: async (event) => {
      ticketMails.push(event.emailId);
    },
  },
  now: () => new Date(),
};
const emailsApi = httpRouter(emailRouteHandlers(deps), users);
const ticketsApi = httpRouter(
  ticketRouteHandlers({
    tickets: createTicketRepository(doc, tableName),
    desk: createServiceDeskRepository(doc, tableName),
    activities: createActivityRepository(doc, tableName),
    emails,
    links: createLinkTargets(doc, tableName),
    users,
    settings: createSettingsRepository(doc, tableName),
    now: () => new Date(),
  }),
  users,
);

const tag = ulid().slice(-8).toLowerCase();
const anna = { id: `bcc-anna-${tag}`, email: `anna.${tag}@firma.de` };
const admin = `bcc-admin-${tag}`;
const maxAddress = `max.${tag}@kunde.de`;
const pass: Verdicts = { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };

// biome-ignore lint/suspicious/noExplicitAny: answers of many shapes; the assertions check them
type Answer = { status: number; json: any; body: string; headers: Record<string, string> };
const callOn =
  (router: typeof emailsApi) =>
  async (
    routeKey: string,
    options: {
      path?: Record<string, string>;
      query?: Record<string, string>;
      body?: string;
      as?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Answer> => {
    let path = routeKey.split(' ')[1] ?? '/';
    for (const [name, value] of Object.entries(options.path ?? {})) path = path.replace(`{${name}}`, value);
    const res = await router(
      apiEvent({
        routeKey,
        path,
        sub: options.as ?? anna.id,
        ...(options.path ? { pathParameters: options.path } : {}),
        ...(options.query ? { query: options.query } : {}),
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(options.headers ? { headers: options.headers } : {}),
      }),
      lambdaContext(60_000),
    );
    const body = res.body ?? '';
    const json = res.headers?.['content-type']?.includes('json') && body ? JSON.parse(body) : undefined;
    return { status: res.statusCode, json, body, headers: res.headers ?? {} };
  };
const call = callOn(emailsApi);

let seq = 0;
type MailOptions = {
  from?: string;
  to?: string;
  cc?: string;
  subject?: string;
  messageId?: string;
  text?: string;
  extraHeaders?: string[];
  raw?: string;
};
const mail = (o: MailOptions): string =>
  o.raw ??
  [
    `From: ${o.from ?? `Anna Vertrieb <${anna.email}>`}`,
    `To: ${o.to ?? `Max Mustermann <${maxAddress}>`}`,
    ...(o.cc ? [`Cc: ${o.cc}`] : []),
    `Subject: ${o.subject ?? 'Angebot'}`,
    `Message-ID: ${o.messageId ?? `<${ulid()}@firma.de>`}`,
    'Date: Tue, 01 Dec 2026 10:00:00 +0100',
    ...(o.extraHeaders ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.text ?? 'Guten Tag Herr Mustermann,\r\nanbei das Angebot.\r\n\r\nViele Grüße\r\nAnna',
    '',
  ].join('\r\n');

/** Stores the raw message as SES would and runs the worker; resolves with the stored email's API shape. */
const receive = async (
  o: MailOptions & { recipients?: string[]; envelopeFrom?: string; verdicts?: Partial<Verdicts> } = {},
) => {
  seq += 1;
  const sesMessageId = `bcc-${tag}-${seq}`;
  await s3.send(new PutObjectCommand({ Bucket: mailBucket, Key: `inbound/${sesMessageId}`, Body: mail(o) }));
  const message: EmailReceivedV1 = {
    type: 'email-received',
    version: 1,
    sesMessageId,
    bucket: mailBucket,
    key: `inbound/${sesMessageId}`,
    recipients: o.recipients ?? [`bcc@${domain}`],
    envelopeFrom: o.envelopeFrom ?? anna.email,
    receivedAt: new Date().toISOString(),
    verdicts: { ...pass, ...o.verdicts },
  };
  await worker(message);
  const id = await emails.findIdBySesMessageId(sesMessageId);
  expect(id).not.toBeNull();
  const res = await call('GET /v1/emails/{id}', { path: { id: id ?? '' } });
  expect(res.status).toBe(200);
  return res.json;
};

const linkIds = (email: { links: { kind: string; id: string; via: string }[] }) =>
  email.links.map((l) => `${l.kind}:${l.id}:${l.via}`).sort();

let acme: ReturnType<typeof aCompany>;
let other: ReturnType<typeof aCompany>;
let max: ReturnType<typeof aPerson>;
let oppNumber: string;
let oppId: string;
let strangerOpp: string;
let ticket: { id: string; number: string };

beforeAll(async () => {
  await users.save(
    { id: anna.id, email: anna.email, name: 'Anna Vertrieb', roles: ['sales', 'service'] },
    { upsert: true },
  );
  await users.save({ id: admin, email: `admin.${tag}@firma.de`, name: 'Admin', roles: ['admin'] }, { upsert: true });
  acme = aCompany({ name: `Acme ${tag} GmbH` });
  other = aCompany({ name: `Other ${tag} AG` });
  await companies.create(acme);
  await companies.create(other);
  max = aPerson({ firstName: 'Max', lastName: `Mustermann${tag}`, emails: [maxAddress], companyId: acme.id });
  await persons.create(max);
  const pipeline = await pipelines.get('default-deal');
  if (!pipeline) throw new Error('no default-deal pipeline');
  const newOpp = async (companyId: string, responsibleUserId: string | null = null) => {
    const opp = createOpportunity(
      ulid(),
      await opportunities.nextNumber(),
      {
        title: 'Heizung',
        stage: pipeline.stage,
        pipeline,
        value: null,
        source: 'webform',
        priority: 'normal',
        responsibleUserId,
        companyId,
        personId: null,
      },
      new Date(),
    );
    await opportunities.create(opp);
    return opp;
  };
  const opp = await newOpp(acme.id);
  oppNumber = opp.number;
  oppId = opp.id;
  strangerOpp = (await newOpp(other.id)).number;
  const res = await callOn(ticketsApi)('POST /v1/tickets', {
    body: JSON.stringify({ type: 'complaint', subject: 'Lieferung beschädigt', personId: max.id }),
  });
  expect(res.status).toBe(201);
  ticket = { id: res.json.id, number: res.json.number };
});

describe('a user’s mail to the Smart BCC address', () => {
  it('links the user, the person, the company and the numbered opportunity, and lists what matched nobody', async () => {
    const email = await receive({
      subject: `AW: Angebot [${oppNumber}] ${strangerOpp} OPP-999999`,
      cc: `Chef <chef.${tag}@kunde.de>, kaputt@`,
    });
    expect(email).toMatchObject({
      status: 'linked',
      quarantineReason: null,
      unmatchedAddresses: [`chef.${tag}@kunde.de`],
      unlinkedNumbers: [
        { number: strangerOpp, reason: 'no-shared-contact' },
        { number: 'OPP-999999', reason: 'not-found' },
      ],
      snippet: 'Guten Tag Herr Mustermann, anbei das Angebot. Viele Grüße Anna',
      automated: false,
    });
    expect(linkIds(email)).toEqual(
      [
        `user:${anna.id}:sender`,
        `person:${max.id}:to`,
        `company:${acme.id}:to`,
        `opportunity:${oppId}:subject-number`,
      ].sort(),
    );

    for (const [routeKey, id] of [
      ['GET /v1/persons/{id}/emails', max.id],
      ['GET /v1/companies/{id}/emails', acme.id],
      ['GET /v1/opportunities/{id}/emails', oppNumber.toLowerCase()],
      ['GET /v1/opportunities/{id}/emails', oppId],
    ] as const) {
      const listed = await call(routeKey, { path: { id } });
      expect(listed.status, routeKey).toBe(200);
      expect(listed.json.items.map((e: { id: string }) => e.id)).toContain(email.id);
    }
    expect((await call('GET /v1/opportunities/{id}/emails', { path: { id: 'OPP-999999' } })).status).toBe(404);
  });

  it('links several tickets a subject names, each once (one Message-ID, two tickets)', async () => {
    const second = await callOn(ticketsApi)('POST /v1/tickets', {
      body: JSON.stringify({ type: 'complaint', subject: 'Zweite Reklamation', personId: max.id }),
    });
    expect(second.status).toBe(201);
    const email = await receive({ subject: `Re: ${ticket.number} und ${second.json.number} zusammengelegt` });
    expect(email.status).toBe('linked');
    expect(linkIds(email)).toEqual(
      expect.arrayContaining([`ticket:${ticket.id}:subject-number`, `ticket:${second.json.id}:subject-number`]),
    );
  });

  it('quarantines a stranger who quotes a real number, never links it, and an admin’s release links it', async () => {
    const email = await receive({
      from: `Mallory <mallory.${tag}@evil.example>`,
      envelopeFrom: `mallory.${tag}@evil.example`,
      subject: `Re: ${oppNumber}`,
    });
    expect(email).toMatchObject({ status: 'quarantined', quarantineReason: 'sender-not-a-user', links: [] });
    const quarantine = await call('GET /v1/emails', { query: { status: 'quarantined', limit: '100' } });
    expect(quarantine.json.items.map((e: { id: string }) => e.id)).toContain(email.id);
    const ofOpp = await call('GET /v1/opportunities/{id}/emails', { path: { id: oppId } });
    expect(ofOpp.json.items.map((e: { id: string }) => e.id)).not.toContain(email.id);

    expect((await call('POST /v1/emails/{id}/release', { path: { id: email.id } })).status).toBe(403);
    const released = await call('POST /v1/emails/{id}/release', { path: { id: email.id }, as: admin });
    expect(released.status).toBe(200);
    expect(released.json).toMatchObject({
      status: 'linked',
      quarantineReason: 'sender-not-a-user',
      released: { userId: admin },
    });
    expect(linkIds(released.json)).toEqual(
      [`person:${max.id}:to`, `company:${acme.id}:to`, `opportunity:${oppId}:subject-number`].sort(),
    );
    const again = await call('POST /v1/emails/{id}/release', { path: { id: email.id }, as: admin });
    expect(again.status).toBe(409);
    expect(again.json.type).toBe('/problems/not-quarantined');
    const linked = await call('GET /v1/opportunities/{id}/emails', { path: { id: oppId } });
    expect(linked.json.items.map((e: { id: string }) => e.id)).toContain(email.id);
  });

  it('quarantines a user’s address whose mail is not authentic', async () => {
    const failing = await receive({ verdicts: { dmarc: 'FAIL' } });
    expect(failing).toMatchObject({
      status: 'quarantined',
      quarantineReason: 'not-authentic',
      quarantineDetail: 'DMARC FAIL',
    });
    // no DMARC policy: SPF must pass for an envelope sender of the From domain
    const foreignEnvelope = await receive({ verdicts: { dmarc: 'GRAY' }, envelopeFrom: 'bounce@mailer.example' });
    expect(foreignEnvelope.status).toBe('quarantined');
    const aligned = await receive({ verdicts: { dmarc: 'GRAY' } });
    expect(aligned.status).toBe('linked');
    const spam = await receive({ verdicts: { spam: 'FAIL' } });
    expect(spam.quarantineReason).toBe('spam');
  });

  it('links a forwarded German Outlook mail’s original sender, and an attached message’s sender', async () => {
    const text = [
      'Bitte übernehmen.',
      '',
      `Von: Max Mustermann <${maxAddress}>`,
      'Gesendet: Montag, 30. November 2026 10:12',
      `An: Anna Vertrieb <${anna.email}>`,
      'Betreff: Heizung defekt',
      '',
      'Guten Tag, die Heizung ist defekt.',
    ].join('\r\n');
    const forwarded = await receive({ to: `Kollege <kollege.${tag}@firma.de>`, subject: 'WG: Heizung defekt', text });
    expect(forwarded.forwardedFrom).toEqual({ name: 'Max Mustermann', address: maxAddress });
    expect(linkIds(forwarded)).toContain(`person:${max.id}:forwarded-from`);

    const boundary = `b-${tag}`;
    const attached = await receive({
      raw: [
        `From: Anna Vertrieb <${anna.email}>`,
        `To: kollege.${tag}@firma.de`,
        'Subject: Fwd: Heizung',
        `Message-ID: <${ulid()}@firma.de>`,
        'MIME-Version: 1.0',
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Siehe Anhang.',
        `--${boundary}`,
        'Content-Type: message/rfc822',
        'Content-Disposition: attachment; filename="heizung.eml"',
        '',
        `From: Max Mustermann <${maxAddress}>`,
        `To: ${anna.email}`,
        'Subject: Heizung',
        `Message-ID: <${ulid()}@kunde.de>`,
        'Date: Mon, 30 Nov 2026 10:00:00 +0100',
        '',
        'Die Heizung ist defekt.',
        `--${boundary}--`,
        '',
      ].join('\r\n'),
    });
    expect(attached.forwardedFrom?.address).toBe(maxAddress);
    expect(linkIds(attached)).toContain(`person:${max.id}:forwarded-from`);
  });

  it('flags auto-replies and reports invalid addresses; an HTML-only mail gets its text', async () => {
    const auto = await receive({ extraHeaders: ['Auto-Submitted: auto-replied'], cc: 'not-an-address, x@y' });
    expect(auto.automated).toBe(true);
    expect(auto.invalidAddresses).toEqual(expect.arrayContaining(['not-an-address', 'x@y']));
    const html = await receive({
      raw: [
        `From: ${anna.email}`,
        `To: ${maxAddress}`,
        'Subject: HTML',
        'MIME-Version: 1.0',
        'Content-Type: multipart/related; boundary="r"',
        '',
        '--r',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<html><body><p>Gr&uuml;&szlig;e aus <b>K&ouml;ln</b></p></body></html>',
        '--r--',
        '',
      ].join('\r\n'),
    });
    expect(html.snippet).toBe('Grüße aus Köln');
    expect(html.date).toBeNull();
  });
});

describe('per-record addresses', () => {
  it('gives each opportunity and ticket a signed address; mail to it from a user links the record without a number', async () => {
    const res = await call('GET /v1/tickets/{id}/email-address', { path: { id: ticket.number } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      number: ticket.number,
      address: recordAddress(key, 'ticket', Number(ticket.number.slice(4)), domain),
    });
    const email = await receive({ to: `Kollege <kollege.${tag}@firma.de>`, recipients: [res.json.address] });
    expect(linkIds(email)).toEqual([`ticket:${ticket.id}:record-address`, `user:${anna.id}:sender`].sort());
    const listed = await call('GET /v1/tickets/{id}/emails', { path: { id: ticket.id } });
    expect(listed.json.items.map((e: { id: string }) => e.id)).toContain(email.id);
    const timeline = await callOn(ticketsApi)('GET /v1/tickets/{id}/timeline', { path: { id: ticket.number } });
    expect(timeline.status).toBe(200);
    expect(timeline.json.items).toContainEqual(
      expect.objectContaining({
        kind: 'email',
        at: email.receivedAt,
        email: expect.objectContaining({ id: email.id }),
      }),
    );
  });

  it('takes a customer’s reply to an opportunity’s address from a person of the record, and quarantines strangers and forged or unknown addresses', async () => {
    const address = recordAddress(key, 'opportunity', Number(oppNumber.slice(4)), domain);
    const reply = await receive({
      from: `Max Mustermann <${maxAddress}>`,
      envelopeFrom: maxAddress,
      to: address,
      recipients: [address],
    });
    expect(reply.status).toBe('linked');
    expect(linkIds(reply)).toEqual(
      [`person:${max.id}:sender`, `company:${acme.id}:sender`, `opportunity:${oppId}:record-address`].sort(),
    );

    const stranger = await receive({
      from: `stranger.${tag}@evil.example`,
      envelopeFrom: `stranger.${tag}@evil.example`,
      to: address,
      recipients: [address],
    });
    expect(stranger.quarantineReason).toBe('sender-not-a-participant');
    const forged = await receive({ recipients: [address.replace(/\.[a-z2-7]+@/, '.aaaaaaaaaa@')] });
    expect(forged.quarantineReason).toBe('forged-record-address');
    const unknown = await receive({ recipients: [recordAddress(key, 'opportunity', 99_999_999, domain)] });
    expect(unknown.quarantineReason).toBe('unknown-record');
  });

  it('hands a customer’s or a stranger’s mail to a ticket’s address to email to ticket, linked to its sender', async () => {
    const address = recordAddress(key, 'ticket', Number(ticket.number.slice(4)), domain);
    const reply = await receive({
      from: `Max Mustermann <${maxAddress}>`,
      envelopeFrom: maxAddress,
      to: address,
      recipients: [address],
    });
    expect(linkIds(reply)).toEqual([`person:${max.id}:sender`, `company:${acme.id}:sender`].sort());
    const stranger = await receive({
      from: `stranger.${tag}@evil.example`,
      envelopeFrom: `stranger.${tag}@evil.example`,
      to: address,
      recipients: [address],
    });
    expect(stranger.status).toBe('unlinked');
    expect(ticketMails).toEqual(expect.arrayContaining([reply.id, stranger.id]));
    // a forged ticket address is quarantined all the same
    const forged = await receive({
      from: `stranger.${tag}@evil.example`,
      envelopeFrom: `stranger.${tag}@evil.example`,
      recipients: [address.replace(/\.[a-z2-7]+@/, '.aaaaaaaaaa@')],
    });
    expect(forged.quarantineReason).toBe('forged-record-address');
    expect(ticketMails).not.toContain(forged.id);
  });
});

describe('one record per message', () => {
  it('stores a message arriving twice (BCC and the record address) once, with the union of its links', async () => {
    const messageId = `<${ulid()}@firma.de>`;
    const first = await receive({ messageId, subject: 'Termin' });
    const address = recordAddress(key, 'ticket', Number(ticket.number.slice(4)), domain);
    const second = await receive({ messageId, subject: 'Termin', recipients: [address] });
    expect(second.id).toBe(first.id);
    expect(linkIds(second)).toEqual(
      [
        `user:${anna.id}:sender`,
        `person:${max.id}:to`,
        `company:${acme.id}:to`,
        `ticket:${ticket.id}:record-address`,
      ].sort(),
    );
  });

  it('joins a message attached as message/rfc822 to the record of the original', async () => {
    const messageId = `<${ulid()}@firma.de>`;
    const headers = [
      `From: Anna Vertrieb <${anna.email}>`,
      `To: Max Mustermann <${maxAddress}>`,
      'Subject: Original',
      `Message-ID: ${messageId}`,
      'Date: Tue, 01 Dec 2026 10:00:00 +0100',
    ];
    const original = await receive({ raw: [...headers, '', 'Der Text.', ''].join('\r\n') });
    const forward = await receive({
      raw: [
        `From: ${anna.email}`,
        `To: kollege.${tag}@firma.de`,
        'Subject: Fwd: Original',
        `Message-ID: <${ulid()}@firma.de>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="f"',
        '',
        '--f',
        'Content-Type: message/rfc822',
        '',
        ...headers,
        '',
        'Der Text.',
        '--f--',
        '',
      ].join('\r\n'),
    });
    expect(forward.id).toBe(original.id);
  });

  it('keeps a forged copy of a linked message apart, in quarantine', async () => {
    const messageId = `<${ulid()}@firma.de>`;
    const real = await receive({ messageId, subject: 'Vertrag' });
    const forged = await receive({ messageId, subject: 'Vertrag', verdicts: { dmarc: 'FAIL' } });
    expect(forged.id).not.toBe(real.id);
    expect(forged.status).toBe('quarantined');
    expect((await call('GET /v1/emails/{id}', { path: { id: real.id } })).json.status).toBe('linked');
  });
});

describe('links follow a merge', () => {
  it('moves an email’s link from the merged-away person to the survivor', async () => {
    const dupAddress = `m.${tag}@kunde-privat.de`;
    const duplicate = aPerson({ firstName: 'Max', lastName: `Mustermann${tag}`, emails: [dupAddress] });
    await persons.create(duplicate);
    const email = await receive({ to: dupAddress });
    expect(linkIds(email)).toContain(`person:${duplicate.id}:to`);

    const merged = await mergePersonInto(
      { persons, personMerger: createRecordMerger(doc, tableName, persons), now: () => new Date() },
      max.id,
      duplicate.id,
    );
    expect(merged).toMatchObject({ id: max.id });
    const after = await call('GET /v1/emails/{id}', { path: { id: email.id } });
    expect(linkIds(after.json)).toContain(`person:${max.id}:to`);
    expect(linkIds(after.json).some((l) => l.includes(duplicate.id))).toBe(false);
    const ofSurvivor = await call('GET /v1/persons/{id}/emails', { path: { id: max.id } });
    expect(ofSurvivor.json.items.map((e: { id: string }) => e.id)).toContain(email.id);
    // the merged-away id answers with its survivor's mail
    const ofDuplicate = await call('GET /v1/persons/{id}/emails', { path: { id: duplicate.id } });
    expect(ofDuplicate.json.items.map((e: { id: string }) => e.id)).toContain(email.id);
  });
});

describe('alternative sender addresses', () => {
  it('accepts mail from an address only once its owner confirmed it by the POST of the mailed link’s page', async () => {
    const sent: ConfirmationMail[] = [];
    const addressDeps = {
      addresses: createUserAddressRepository(doc, tableName),
      users,
      mailDomain: domain,
      sendMail: async (m: ConfirmationMail) => {
        sent.push(m);
      },
      now: () => new Date(),
    };
    const alternative = `anna.${tag}@privat.example`;
    const usersApi = httpRouter(
      {
        'POST /v1/me/email-addresses': (await import('../../functions/shared/http.ts')).route(
          (await import('../../functions/users/users.routes.ts')).usersRoutes['POST /v1/me/email-addresses'],
          addAddress(addressDeps),
        ),
        'GET /v1/email-addresses/confirmation': (await import('../../functions/shared/http.ts')).route(
          (await import('../../functions/users/users.routes.ts')).usersRoutes['GET /v1/email-addresses/confirmation'],
          showConfirmation(addressDeps),
        ),
        'POST /v1/email-addresses/confirmation': (await import('../../functions/shared/http.ts')).route(
          (await import('../../functions/users/users.routes.ts')).usersRoutes['POST /v1/email-addresses/confirmation'],
          confirmAddress(addressDeps),
        ),
      },
      users,
    );
    const users$ = callOn(usersApi);
    const added = await users$('POST /v1/me/email-addresses', { body: JSON.stringify({ address: alternative }) });
    expect(added.status).toBe(202);
    expect(added.json).toMatchObject({ address: alternative, status: 'pending' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe(alternative);
    const link = /https?:\/\/\S+/.exec(sent[0]?.text ?? '')?.[0] ?? '';
    const token = new URL(link).searchParams.get('token') ?? '';

    const before = await receive({ from: alternative, envelopeFrom: alternative });
    expect(before.quarantineReason).toBe('sender-not-a-user');

    // a scanner opening the link confirms nothing
    const shown = await users$('GET /v1/email-addresses/confirmation', { query: { token } });
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('<form method="post"');
    expect((await receive({ from: alternative, envelopeFrom: alternative })).status).toBe('quarantined');

    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const confirmed = await users$('POST /v1/email-addresses/confirmation', {
      body: new URLSearchParams({ token }).toString(),
      headers: form,
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toContain('Address confirmed');
    const reused = await users$('POST /v1/email-addresses/confirmation', {
      body: new URLSearchParams({ token }).toString(),
      headers: form,
    });
    expect(reused.status).toBe(404);
    // an unknown link: a page for a browser, the API's problem+json for anyone else
    const unknown = 'x'.repeat(32);
    const asPage = await users$('GET /v1/email-addresses/confirmation', {
      query: { token: unknown },
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(asPage.status).toBe(404);
    expect(asPage.headers['content-type']).toContain('text/html');
    expect(asPage.body).toContain('This link is no longer valid');
    const asProblem = await users$('GET /v1/email-addresses/confirmation', { query: { token: unknown } });
    expect(asProblem.status).toBe(404);
    expect(asProblem.json.type).toBe('/problems/not-found');

    const after = await receive({ from: alternative, envelopeFrom: alternative });
    expect(after.status).toBe('linked');
    expect(linkIds(after)).toContain(`user:${anna.id}:sender`);

    const own = await users$('POST /v1/me/email-addresses', { body: JSON.stringify({ address: `kontakt@${domain}` }) });
    expect(own.status).toBe(400);
    expect(own.json.errors).toEqual([{ field: 'address', message: "is an address of Kontakt's own mail domain" }]);

    const taken = await users$('POST /v1/me/email-addresses', {
      body: JSON.stringify({ address: alternative }),
      as: admin,
    });
    expect(taken.status).toBe(409);
    expect(taken.json.type).toBe('/problems/address-taken');
  });
});

describe('a person from an unmatched address', () => {
  it('is created through duplicate protection with the display name’s names, and linked to the email', async () => {
    const contactsApi = httpRouter(
      {
        'POST /v1/emails/{id}/persons': (await import('../../functions/shared/http.ts')).route(
          (await import('../../functions/contacts/contacts.routes.ts')).contactsRoutes['POST /v1/emails/{id}/persons'],
          createPersonFromEmail({
            persons,
            findCandidates: tableCandidateFinder(doc, tableName),
            now: () => new Date(),
            emails,
          }),
        ),
      },
      users,
    );
    const create = callOn(contactsApi);
    const newcomer = `erika.${tag}@neukunde.de`;
    const email = await receive({ cc: `"Erika Neu${tag}" <${newcomer}>` });
    expect(email.unmatchedAddresses).toContain(newcomer);

    const notThere = await create('POST /v1/emails/{id}/persons', {
      path: { id: email.id },
      body: JSON.stringify({ address: `nobody.${tag}@x.de`, lastName: 'X' }),
    });
    expect(notThere.status).toBe(400);
    expect(notThere.json.errors).toEqual([
      { field: 'address', message: "is not one of the email's unmatched addresses" },
    ]);

    const created = await create('POST /v1/emails/{id}/persons', {
      path: { id: email.id },
      body: JSON.stringify({ address: newcomer }),
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ firstName: 'Erika', lastName: `Neu${tag}`, emails: [newcomer] });
    const after = await call('GET /v1/emails/{id}', { path: { id: email.id } });
    expect(after.json.unmatchedAddresses).not.toContain(newcomer);
    expect(linkIds(after.json)).toContain(`person:${created.json.id}:cc`);

    // the same address in another mail: the person exists now, so it is linked, not unmatched
    const next = await receive({ cc: newcomer });
    expect(linkIds(next)).toContain(`person:${created.json.id}:cc`);
    // a new address under the name of a known person meets duplicate protection: 409 with the candidate
    const lookalike = await receive({ cc: `"Max Mustermann${tag}" <max.privat.${tag}@web.example>` });
    const body = JSON.stringify({ address: `max.privat.${tag}@web.example` });
    const duplicate = await create('POST /v1/emails/{id}/persons', { path: { id: lookalike.id }, body });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json.candidates.map((c: { id: string }) => c.id)).toContain(max.id);
    const forced = await create('POST /v1/emails/{id}/persons', {
      path: { id: lookalike.id },
      body: JSON.stringify({ address: `max.privat.${tag}@web.example`, force: true }),
    });
    expect(forced.status).toBe(201);
  });
});
