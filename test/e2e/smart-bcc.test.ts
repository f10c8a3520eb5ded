// Smart BCC and email to ticket end to end (issues 16 and 17, one stack for both): real SMTP into
// the running local stack, real HTTP to read the verdicts and the tickets. A user's BCC to a customer links user, person, company and OPP-n; a stranger quoting
// a real number is quarantined (and an admin's release links it); a user's address whose mail fails
// DMARC is quarantined; a forwarded German Outlook mail links the original sender; a customer's reply
// to a ticket's own address links; the same message arriving twice is one record.
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import nodemailer from 'nodemailer';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAwsEnv } from '../../infra/local/services.ts';
import { eventually, type RunningStack, startStackProcess } from '../support/local-stack-process.ts';

let stack: RunningStack;

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
type Answer = { status: number; json: any };
// biome-ignore lint/suspicious/noExplicitAny: an email as the API lists it; the assertions check it
type Email = any;

const call = async (token: string, method: string, path: string, body?: unknown): Promise<Answer> => {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
};
const admin = (method: string, path: string, body?: unknown) => call(stack.adminToken, method, path, body);
const sales = (method: string, path: string, body?: unknown) => call(stack.salesToken, method, path, body);

/** the demo sales user's own address: the local stack seeds it */
const user = 'sales@kontakt.localhost';
const bcc = 'bcc@kontakt.localhost';
const tag = ulid().slice(-8).toLowerCase();
const customer = `max.${tag}@kunde.example`;

const send = (envelope: { from: string; to: string[] }, lines: string[]) =>
  nodemailer
    .createTransport({ host: '127.0.0.1', port: stack.ports.smtp, secure: false, ignoreTLS: true })
    .sendMail({ envelope, raw: [...lines, ''].join('\r\n') });

const message = (o: {
  from: string;
  to: string;
  subject: string;
  messageId?: string;
  headers?: string[];
  text: string;
}) => [
  `From: ${o.from}`,
  `To: ${o.to}`,
  `Subject: ${o.subject}`,
  `Message-ID: ${o.messageId ?? `<${ulid()}@kontakt.test>`}`,
  'Date: Wed, 02 Dec 2026 09:00:00 +0100',
  ...(o.headers ?? []),
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  o.text,
];

/** Waits (generously: the machine may be busy) until the mail with this subject is stored. */
const stored = (subject: string, status?: string): Promise<Email> =>
  eventually(async () => {
    const res = await sales('GET', `/v1/emails?limit=100${status ? `&status=${status}` : ''}`);
    return res.json.items.find((e: Email) => e.subject === subject);
  }, 120_000);

const queueDepth = async (name: string): Promise<number> => {
  const sqs = new SQSClient({
    endpoint: `http://127.0.0.1:${stack.ports.emulator}`,
    useQueueUrlAsEndpoint: false,
    region: localAwsEnv.AWS_REGION,
    credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
  });
  try {
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages ?? '0') +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? '0')
    );
  } finally {
    sqs.destroy();
  }
};

const linksOf = (email: Email): string[] =>
  email.links.map((l: { kind: string; id: string; via: string }) => `${l.kind}:${l.id}:${l.via}`).sort();

let company: { id: string };
let person: { id: string };
let opp: { id: string; number: string };
let ticket: { id: string; number: string };

beforeAll(async () => {
  stack = await startStackProcess();
  company = (await sales('POST', '/v1/companies', { name: `Kunde ${tag} GmbH` })).json;
  const created = await sales('POST', '/v1/persons', {
    firstName: 'Max',
    lastName: `Kunde${tag}`,
    emails: [customer],
    companyId: company.id,
  });
  expect(created.status).toBe(201);
  person = created.json;
  const newOpp = await sales('POST', '/v1/opportunities', {
    title: 'Heizungstausch',
    companyId: company.id,
    responsibleUserId: null,
  });
  expect(newOpp.status).toBe(201);
  opp = newOpp.json;
  const newTicket = await call(stack.serviceToken, 'POST', '/v1/tickets', {
    type: 'complaint',
    subject: 'Heizung fällt aus',
    personId: person.id,
    companyId: company.id,
  });
  expect(newTicket.status).toBe(201);
  ticket = newTicket.json;
});

afterAll(async () => {
  await stack?.stop();
});

describe('Smart BCC through SMTP', () => {
  it('links a user’s BCC to a customer to the user, the person, the company and the opportunity named in the subject', async () => {
    const subject = `AW: Angebot ${opp.number} (${tag})`;
    await send(
      { from: user, to: [bcc] },
      message({
        from: `Demo Sales <${user}>`,
        to: `Max Kunde <${customer}>`,
        subject,
        text: 'Guten Tag Herr Kunde,\r\nanbei das Angebot.\r\n\r\nAm 01.12.2026 schrieb Max Kunde:\r\n> Bitte ein Angebot.',
      }),
    );
    const email = await stored(subject);
    expect(email.status).toBe('linked');
    expect(email.snippet).toBe('Guten Tag Herr Kunde, anbei das Angebot.');
    expect(linksOf(email)).toEqual(
      [
        'user:demo-sales:sender',
        `person:${person.id}:to`,
        `company:${company.id}:to`,
        `opportunity:${opp.id}:subject-number`,
      ].sort(),
    );
    const ofOpp = await sales('GET', `/v1/opportunities/${opp.number}/emails`);
    expect(ofOpp.json.items.map((e: Email) => e.id)).toContain(email.id);
    const ofCompany = await sales('GET', `/v1/companies/${company.id}/emails`);
    expect(ofCompany.json.items.map((e: Email) => e.id)).toContain(email.id);
  });

  it('quarantines a stranger who quotes a real number, and links it once an admin releases it', async () => {
    const subject = `Re: ${opp.number} Rechnung (${tag})`;
    await send(
      { from: 'mallory@evil.example', to: [bcc] },
      message({
        from: 'Mallory <mallory@evil.example>',
        to: `Max Kunde <${customer}>`,
        subject,
        text: 'Bitte zahlen Sie auf folgendes Konto.',
      }),
    );
    const email = await stored(subject, 'quarantined');
    expect(email).toMatchObject({ status: 'quarantined', quarantineReason: 'sender-not-a-user', links: [] });
    const ofOpp = await sales('GET', `/v1/opportunities/${opp.id}/emails`);
    expect(ofOpp.json.items.map((e: Email) => e.id)).not.toContain(email.id);

    expect((await sales('POST', `/v1/emails/${email.id}/release`)).status).toBe(403);
    const released = await admin('POST', `/v1/emails/${email.id}/release`);
    expect(released.status).toBe(200);
    expect(released.json.status).toBe('linked');
    expect(linksOf(released.json)).toContain(`opportunity:${opp.id}:subject-number`);
  });

  it('quarantines a user’s own address when its mail fails DMARC', async () => {
    const subject = `Spoofed ${tag}`;
    await send(
      { from: user, to: [bcc] },
      message({
        from: `Demo Sales <${user}>`,
        to: customer,
        subject,
        headers: ['X-Kontakt-Local-Verdicts: dmarc=FAIL'],
        text: 'Angeblich von Demo Sales.',
      }),
    );
    const email = await stored(subject, 'quarantined');
    expect(email).toMatchObject({ quarantineReason: 'not-authentic', quarantineDetail: 'DMARC FAIL', links: [] });
  });

  it('links the original sender of a forwarded German Outlook mail', async () => {
    const subject = `WG: Heizung defekt ${tag}`;
    await send(
      { from: user, to: [bcc] },
      message({
        from: `Demo Sales <${user}>`,
        to: 'Technik <technik@firma.example>',
        subject,
        text: [
          'Bitte kümmert euch darum.',
          '',
          `Von: Max Kunde <${customer}>`,
          'Gesendet: Dienstag, 1. Dezember 2026 08:15',
          `An: Demo Sales <${user}>`,
          'Betreff: Heizung defekt',
          '',
          'Guten Morgen, unsere Heizung ist ausgefallen.',
        ].join('\r\n'),
      }),
    );
    const email = await stored(subject);
    expect(email.forwardedFrom).toEqual({ name: 'Max Kunde', address: customer });
    expect(linksOf(email)).toEqual(
      expect.arrayContaining([`person:${person.id}:forwarded-from`, `company:${company.id}:forwarded-from`]),
    );
    expect(email.unmatchedAddresses).toEqual(['technik@firma.example']);
  });

  it('links a customer’s reply to the ticket’s own address, and the same message arriving twice is one record', async () => {
    const address = await sales('GET', `/v1/tickets/${ticket.number}/email-address`);
    expect(address.status).toBe(200);
    expect(address.json.address).toMatch(/^tic-\d+\.[a-z2-7]{10}@kontakt\.localhost$/);

    const subject = `Antwort ${tag}`;
    const reply = message({
      from: `Max Kunde <${customer}>`,
      to: address.json.address,
      subject,
      text: 'Die Heizung läuft wieder. Danke!',
    });
    await send({ from: customer, to: [address.json.address] }, reply);
    const stored1 = await stored(subject);
    // email to ticket takes a customer's mail to a ticket's address: the reply becomes an update of it
    const email = await eventually(async () => {
      const res = await sales('GET', `/v1/emails/${stored1.id}`);
      return linksOf(res.json).includes(`ticket:${ticket.id}:record-address`) ? res.json : undefined;
    }, 120_000);
    expect(email.status).toBe('linked');
    expect(linksOf(email)).toEqual(
      [`person:${person.id}:sender`, `company:${company.id}:sender`, `ticket:${ticket.id}:record-address`].sort(),
    );
    const timeline = await sales('GET', `/v1/tickets/${ticket.id}/timeline`);
    expect(timeline.json.items.some((item: Email) => item.kind === 'email' && item.email.id === email.id)).toBe(true);
    expect(
      timeline.json.items.some(
        (item: Email) =>
          item.kind === 'update' && item.update.text === `${customer} wrote: Die Heizung läuft wieder. Danke!`,
      ),
    ).toBe(true);

    // a user's message by BCC and again to the ticket's address (a second recipient): one record, both links
    const twice = `Termin ${tag}`;
    const userMessage = message({
      from: `Demo Sales <${user}>`,
      to: customer,
      subject: twice,
      text: 'Termin am Freitag.',
    });
    await send({ from: user, to: [bcc] }, userMessage);
    const first = await stored(twice);
    await send({ from: user, to: [address.json.address] }, userMessage);
    const joined = await eventually(async () => {
      const res = await sales('GET', `/v1/emails/${first.id}`);
      return linksOf(res.json).includes(`ticket:${ticket.id}:record-address`) ? res.json : undefined;
    }, 120_000);
    expect(linksOf(joined)).toEqual(
      [
        'user:demo-sales:sender',
        `person:${person.id}:to`,
        `company:${company.id}:to`,
        `ticket:${ticket.id}:record-address`,
      ].sort(),
    );
    const all = await sales('GET', '/v1/emails?limit=100');
    expect(all.json.items.filter((e: Email) => e.subject === twice)).toHaveLength(1);
  });
});

describe('email to ticket through SMTP', () => {
  const service = 'service@kontakt.localhost';
  const agentToken = () => stack.serviceToken;
  const customerMail = (o: { from: string; subject: string; text?: string; headers?: string[] }) =>
    message({
      from: o.from,
      to: service,
      subject: o.subject,
      text: o.text ?? 'Guten Tag, bitte helfen Sie.',
      ...(o.headers ? { headers: o.headers } : {}),
    });
  const ticketOf = (emailId: string): Promise<{ id: string; number: string }> =>
    eventually(async () => {
      const res = await sales('GET', `/v1/emails/${emailId}`);
      const link = res.json.links.find((l: { kind: string }) => l.kind === 'ticket');
      if (!link) return undefined;
      return (await sales('GET', `/v1/tickets/${link.id}`)).json;
    }, 120_000);

  it('opens a ticket from a customer’s mail, assigned by rule; the reply with its number adds an update', async () => {
    const rules = await admin('GET', '/v1/service-desk');
    const put = await admin('PUT', '/v1/service-desk', {
      hours: rules.json.hours,
      targets: rules.json.targets,
      teams: [],
      assignmentRules: [{ ticketType: 'question', assignTo: { userId: 'demo-service' } }],
      version: rules.json.version,
    });
    expect(put.status).toBe(200);

    const subject = `Heizung kalt ${tag}`;
    await send({ from: customer, to: [service] }, customerMail({ from: `Max Kunde <${customer}>`, subject }));
    const email = await stored(subject);
    const opened = await ticketOf(email.id);
    expect(opened).toMatchObject({
      subject,
      type: 'question',
      personId: person.id,
      companyId: company.id,
      responsibleUserId: 'demo-service',
    });

    const reply = `Re: [${opened.number}] ${subject}`;
    await send(
      { from: customer, to: [service] },
      customerMail({ from: customer, subject: reply, text: 'Es ist immer noch kalt.' }),
    );
    const replied = await stored(reply);
    expect((await ticketOf(replied.id)).id).toBe(opened.id);
    const withUpdate = await call(agentToken(), 'GET', `/v1/tickets/${opened.id}`);
    expect(withUpdate.json.updates.map((u: { text: string }) => u.text)).toContain(
      `${customer} wrote: Es ist immer noch kalt.`,
    );

    // a stranger quoting the number: a new ticket, flagged as a possible follow-up
    const quoted = `Re: ${opened.number} ${tag}`;
    await send(
      { from: 'fremd@evil.example', to: [service] },
      customerMail({ from: 'fremd@evil.example', subject: quoted }),
    );
    const flagged = await ticketOf((await stored(quoted)).id);
    expect(flagged.id).not.toBe(opened.id);
    expect(flagged).toMatchObject({ relatedTo: { number: opened.number, relation: 'possible-follow-up' } });
  });

  it('opens nothing for an out-of-office reply or a bounce (noted on its ticket), and stops a burst from one sender at the limit', async () => {
    const original = `<wartung-${tag}@kunde.example>`;
    const subject = `Wartung ${tag}`;
    await send(
      { from: customer, to: [service] },
      message({ from: customer, to: service, subject, messageId: original, text: 'Bitte Wartung planen.' }),
    );
    const ticket = await ticketOf((await stored(subject)).id);

    const ooo = `Abwesend ${tag}`;
    await send(
      { from: customer, to: [service] },
      customerMail({ from: customer, subject: ooo, headers: ['Auto-Submitted: auto-replied'] }),
    );
    const bounceSubject = `Undelivered Mail Returned to Sender ${tag}`;
    await send({ from: '', to: [service] }, [
      'From: MAILER-DAEMON@mx.kunde.example',
      `To: ${service}`,
      `Subject: ${bounceSubject}`,
      `Message-ID: <${ulid()}@mx.kunde.example>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Delivery failed.',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.kunde.example',
      '',
      `Final-Recipient: rfc822; ${customer}`,
      'Action: failed',
      'Status: 5.1.1',
      '--b',
      'Content-Type: text/rfc822-headers',
      '',
      `From: ${customer}`,
      `Message-ID: ${original}`,
      `Subject: ${subject}`,
      '',
      '--b--',
    ]);
    // a burst of seven from one sender; the stack's limit is five an hour
    const flood = `flut.${tag}@spam.example`;
    for (let i = 0; i < 7; i += 1)
      await send({ from: flood, to: [service] }, customerMail({ from: flood, subject: `Flut ${tag} ${i}` }));

    // the bounce is noted on the ticket whose mail bounced, and on the person it could not reach
    const bounce = await stored(bounceSubject);
    expect(bounce.automated).toBe(true);
    await eventually(async () => {
      const res = await sales('GET', `/v1/emails/${bounce.id}`);
      const links = linksOf(res.json);
      return links.includes(`ticket:${ticket.id}:bounced-recipient`) &&
        links.includes(`person:${person.id}:bounced-recipient`)
        ? true
        : undefined;
    }, 120_000);
    const noted = await call(agentToken(), 'GET', `/v1/tickets/${ticket.id}`);
    expect(noted.json.updates.map((u: { text: string }) => u.text)).toContain(
      `Mail could not be delivered: ${customer} (failed, 5.1.1)`,
    );

    // every mail of the burst taken: stored, and the ticket-mail queue empty
    await eventually(async () => {
      const all = (await sales('GET', '/v1/emails?limit=100')).json.items.filter((e: Email) =>
        e.subject?.startsWith(`Flut ${tag}`),
      );
      return all.length === 7 && (await queueDepth('ticket-mail')) === 0 ? true : undefined;
    }, 120_000);
    const tickets = (await call(agentToken(), 'GET', '/v1/tickets?limit=100')).json.items;
    expect(tickets.filter((t: { subject: string }) => t.subject.startsWith(`Flut ${tag}`))).toHaveLength(5);
    expect(tickets.some((t: { subject: string }) => t.subject === ooo || t.subject.startsWith('Undelivered'))).toBe(
      false,
    );
    const automated = await stored(ooo);
    expect(automated.automated).toBe(true);
    expect(automated.links.some((l: { kind: string }) => l.kind === 'ticket')).toBe(false);
  });
});

describe('vCards through the running stack (issue 19)', () => {
  /** A file as a client posts it: its own bytes and content type. */
  const postFile = async (path: string, bytes: Uint8Array, contentType: string): Promise<Answer> => {
    const res = await fetch(`${stack.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.salesToken}`, 'content-type': contentType },
      body: bytes,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };

  it('imports Outlook’s Windows-1252 card posted as text/vcard with its umlauts, and exports it back', async () => {
    // Outlook's 2.1 card, 8-bit Windows-1252, as a file: no byte of it may change on the way
    const card = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      `N;CHARSET=Windows-1252:Bräuer${tag};Jürgen;;Herr`,
      `FN;CHARSET=Windows-1252:Jürgen Bräuer${tag}`,
      'ORG;CHARSET=Windows-1252:Großhandel Süd GmbH;Einkauf',
      `EMAIL;PREF;INTERNET:juergen.braeuer.${tag}@grosshandel-sued.example`,
      'TEL;WORK;VOICE:+49 89 1234 5678',
      'END:VCARD',
      '',
    ].join('\r\n');
    const bytes = Buffer.from(card, 'latin1');
    const res = await postFile('/v1/contacts/vcards', bytes, 'text/vcard');
    expect(res.status).toBe(200);
    const [result] = res.json.results;
    expect(result).toMatchObject({ status: 'created', name: `Jürgen Bräuer${tag}` });
    const person = (await sales('GET', `/v1/persons/${result.id}`)).json;
    expect(person).toMatchObject({ firstName: 'Jürgen', lastName: `Bräuer${tag}`, department: 'Einkauf' });
    // the same file again creates nothing
    const again = await postFile('/v1/contacts/vcards', bytes, 'text/x-vcard');
    expect(again.json.results[0]).toMatchObject({ status: 'duplicate', candidates: [{ id: result.id }] });
    const exported = await fetch(`${stack.baseUrl}/v1/persons/${result.id}/vcard`, {
      headers: { authorization: `Bearer ${stack.salesToken}` },
    });
    expect(exported.headers.get('content-type')).toBe('text/vcard; charset=utf-8');
    const text = await exported.text();
    expect(text).toContain(`N:Bräuer${tag};Jürgen;;Herr;`);
    expect(text).toContain('ORG:Großhandel Süd GmbH;Einkauf');
  });

  it('imports a file uploaded to its upload URL, and a vCard mailed as an attachment', async () => {
    const upload = await sales('POST', '/v1/contacts/vcards/uploads');
    expect(upload.status).toBe(201);
    const cards = [
      `BEGIN:VCARD\r\nVERSION:3.0\r\nN:Upload${tag};Ute;;;\r\nFN:Ute Upload${tag}\r\nEMAIL:ute.${tag}@upload.example\r\nEND:VCARD\r\n`,
      'BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:niemand@upload.example\r\nEND:VCARD\r\n',
    ].join('');
    const put = await fetch(upload.json.uploadUrl, { method: 'PUT', body: cards });
    expect(put.ok).toBe(true);
    const imported = await sales('POST', upload.json.importUrl);
    expect(imported.status).toBe(200);
    expect(imported.json.results.map((r: { status: string }) => r.status)).toEqual(['created', 'invalid']);
    expect(imported.json.results[1].errors.map((e: { property: string }) => e.property)).toEqual(['N', 'FN']);

    // a card forwarded by mail: the user BCCs it in, then imports it from the stored email
    const subject = `Visitenkarte ${tag}`;
    const vcf = Buffer.from(
      `BEGIN:VCARD\r\nVERSION:3.0\r\nN:Anhang${tag};Anke;;;\r\nFN:Anke Anhang${tag}\r\nEMAIL:anke.${tag}@anhang.example\r\nEND:VCARD\r\n`,
    ).toString('base64');
    await send({ from: user, to: [bcc] }, [
      `From: Demo Sales <${user}>`,
      `To: Max Kunde <${customer}>`,
      `Subject: ${subject}`,
      `Message-ID: <${ulid()}@kontakt.test>`,
      'Date: Wed, 02 Dec 2026 09:00:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Anbei die Visitenkarte von Frau Anhang.',
      '--b1',
      'Content-Type: text/vcard; charset=utf-8; name="Anke.vcf"',
      'Content-Disposition: attachment; filename="Anke.vcf"',
      'Content-Transfer-Encoding: base64',
      '',
      vcf,
      '--b1--',
    ]);
    const email = await stored(subject);
    expect(email.attachments).toEqual([expect.objectContaining({ filename: 'Anke.vcf' })]);
    const fromMail = await sales('POST', `/v1/emails/${email.id}/attachments/0/vcard-import`);
    expect(fromMail.status).toBe(200);
    expect(fromMail.json.results[0].status).toBe('created');
    const person = (await sales('GET', `/v1/persons/${fromMail.json.results[0].id}`)).json;
    expect(person).toMatchObject({ firstName: 'Anke', lastName: `Anhang${tag}` });
    const missing = await sales('POST', `/v1/emails/${email.id}/attachments/3/vcard-import`);
    expect(missing.status).toBe(404);
  });
});
