// Email to ticket against DynamoDB Local and the S3 emulator: the email worker stores a mail to the
// service address and hands it over, the ticket-mail worker opens a ticket (assigned by rule) or adds
// a reply to its ticket; strangers, closed tickets, auto-replies, bounces and bursts as the issue says.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Email } from '../../domain/emails/email.ts';
import { recordAddress, type Verdicts } from '../../domain/emails/smart-bcc.ts';
import { defaultServiceDeskSettings } from '../../domain/tickets/service-desk.ts';
import type { Ticket } from '../../domain/tickets/ticket.ts';
import type { EmailReceivedV1 } from '../../events/email-received.v1.ts';
import type { TicketMailReceivedV1 } from '../../events/ticket-mail-received.v1.ts';
import { createCompanyRepository } from '../../functions/contacts/company.repository.ts';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { createEmailRepository } from '../../functions/emails/email.repository.ts';
import { releaseEmail } from '../../functions/emails/emails.ts';
import { judgeEmail } from '../../functions/emails/judge-email.ts';
import { createMailDirectory } from '../../functions/emails/mail-directory.ts';
import { createMailStore } from '../../functions/emails/mail-store.ts';
import { processEmail } from '../../functions/emails/process-email.ts';
import { createSettingsRepository } from '../../functions/settings/settings.repository.ts';
import { createStore } from '../../functions/shared/store.ts';
import { createTicketRepository } from '../../functions/tickets/ticket.repository.ts';
import { ticketMailGuards } from '../../functions/tickets/ticket-mail.entity.ts';
import { takeTicketMail } from '../../functions/tickets/ticket-mail.ts';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { documentClient, mailBucket, s3Client, tableName } from '../support/aws.ts';
import { aCompany, aPerson } from '../support/fixtures.ts';

const doc = documentClient();
const s3 = s3Client();
const domain = 'kontakt.localhost';
const key = 'an-integration-test-key-of-forty-characters';
const tag = ulid().slice(-8).toLowerCase();
const agent = { id: `tm-agent-${tag}`, email: `agent.${tag}@firma.de` };
const ticketType = `mail-${tag}`;
const users = createUserRepository(doc, tableName);
const persons = createPersonRepository(doc, tableName);
const companies = createCompanyRepository(doc, tableName);
const emails = createEmailRepository(doc, tableName);
const tickets = createTicketRepository(doc, tableName);
const directory = createMailDirectory(doc, tableName);

const ticketWorkerWith = (maxPerSenderPerHour: number) =>
  takeTicketMail({
    doc,
    tableName,
    emails,
    directory,
    tickets,
    // the desk of this test alone (the table's one is shared with other test files): mail tickets go to the agent
    desk: {
      get: async () => ({
        ...defaultServiceDeskSettings,
        assignmentRules: [{ ticketType, assignTo: { userId: agent.id } }],
        version: 1,
        updatedAt: null,
      }),
    },
    settings: createSettingsRepository(doc, tableName),
    recordAddressKey: async () => key,
    config: { ticketType, maxPerSenderPerHour, mailDomain: domain, serviceLocalPart: 'service' },
    now: () => new Date(),
  });
// the customers of this file write many mails in an hour; the burst test has a worker with the real limit
const ticketWorker = ticketWorkerWith(1_000);
const handedOver: TicketMailReceivedV1[] = [];
const emailWorkerWith = (take: (event: TicketMailReceivedV1) => Promise<void>) =>
  processEmail({
    emails,
    mail: createMailStore(s3),
    judge: judgeEmail({ directory, recordAddressKey: async () => key, mailDomain: domain }),
    ticketMail: {
      publish: async (event) => {
        handedOver.push(event);
        await take(event);
      },
    },
    now: () => new Date(),
  });
let worker = emailWorkerWith(ticketWorker);

const pass: Verdicts = { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'GRAY' };
let seq = 0;

type Mail = {
  from: string;
  subject: string;
  text?: string;
  messageId?: string;
  headers?: string[];
  raw?: string;
  recipients?: string[];
  envelopeFrom?: string;
  verdicts?: Partial<Verdicts>;
};

/** A mail through SES's path (S3, then the worker, which hands it to email to ticket); its stored email. */
const receive = async (m: Mail) => {
  seq += 1;
  const sesMessageId = `tm-${tag}-${seq}`;
  const raw =
    m.raw ??
    [
      `From: ${m.from}`,
      `To: service@${domain}`,
      `Subject: ${m.subject}`,
      `Message-ID: ${m.messageId ?? `<${ulid()}@kunde.example>`}`,
      'Date: Wed, 02 Dec 2026 09:00:00 +0100',
      ...(m.headers ?? []),
      'Content-Type: text/plain; charset=utf-8',
      '',
      m.text ?? 'Guten Tag, die Heizung ist ausgefallen.',
      '',
    ].join('\r\n');
  await s3.send(new PutObjectCommand({ Bucket: mailBucket, Key: `inbound/${sesMessageId}`, Body: raw }));
  const address = /<([^>]+)>/.exec(m.from)?.[1] ?? m.from;
  const message: EmailReceivedV1 = {
    type: 'email-received',
    version: 1,
    sesMessageId,
    bucket: mailBucket,
    key: `inbound/${sesMessageId}`,
    recipients: m.recipients ?? [`service@${domain}`],
    envelopeFrom: m.envelopeFrom ?? address,
    receivedAt: new Date().toISOString(),
    verdicts: { ...pass, ...m.verdicts },
  };
  await worker(message);
  const id = await emails.findIdBySesMessageId(sesMessageId);
  const email = id ? await emails.get(id, true) : null;
  if (!email) throw new Error('the mail was not stored');
  return email;
};

const ticketOf = async (email: { links: Record<string, string> }): Promise<Ticket> => {
  const [entry] = Object.keys(email.links).filter((k) => k.startsWith('ticket:'));
  const ticket = entry ? await tickets.get(entry.slice('ticket:'.length), { consistent: true }) : null;
  if (!ticket) throw new Error(`no ticket linked: ${JSON.stringify(email.links)}`);
  return ticket;
};
const again = async (email: Email): Promise<Email> => (await emails.get(email.id, true)) ?? email;

let acme: ReturnType<typeof aCompany>;
let max: ReturnType<typeof aPerson>;
let colleague: ReturnType<typeof aPerson>;
const maxAddress = `max.${tag}@kunde.example`;
const colleagueAddress = `eva.${tag}@kunde.example`;

beforeAll(async () => {
  await users.save({ id: agent.id, email: agent.email, name: 'Agent', roles: ['service'] }, { upsert: true });
  acme = aCompany({ name: `Kunde ${tag} GmbH` });
  await companies.create(acme);
  max = aPerson({ firstName: 'Max', lastName: `Kunde${tag}`, emails: [maxAddress], companyId: acme.id });
  colleague = aPerson({ firstName: 'Eva', lastName: `Kollegin${tag}`, emails: [colleagueAddress], companyId: acme.id });
  await persons.create(max);
  await persons.create(colleague);
});

describe('a mail to the service address', () => {
  it('opens a ticket from anyone: subject, text, the sender’s person and company, assigned by rule, the mail linked', async () => {
    const email = await receive({ from: `Max Kunde <${maxAddress}>`, subject: 'AW: Heizung ausgefallen' });
    const ticket = await ticketOf(email);
    expect(ticket).toMatchObject({
      type: ticketType,
      subject: 'Heizung ausgefallen',
      description: 'Guten Tag, die Heizung ist ausgefallen.',
      personId: max.id,
      companyId: acme.id,
      responsibleUserId: agent.id,
      relatedTo: null,
      createdBy: null,
    });
    expect(email.links[`ticket:${ticket.id}`]).toBe('opened-ticket');
    expect(email.links[`person:${max.id}`]).toBe('sender');
    const log = await tickets.updates(ticket.id);
    expect(log.map((u) => u.text)).toContain(`Opened from a mail by ${maxAddress}`);
  });

  it('opens one from a stranger too, without person', async () => {
    const email = await receive({ from: `neu.${tag}@irgendwo.example`, subject: 'Frage' });
    expect(await ticketOf(email)).toMatchObject({ personId: null, companyId: null, subject: 'Frage' });
    expect(email.unmatchedAddresses).toEqual([`neu.${tag}@irgendwo.example`]);
  });

  it('quarantines a mail whose DMARC fails and opens nothing, until an admin releases it', async () => {
    const email = await receive({ from: maxAddress, subject: 'Gefälscht', verdicts: { dmarc: 'FAIL' } });
    expect(email).toMatchObject({ status: 'quarantined', quarantine: { reason: 'not-authentic' }, links: {} });
    expect(handedOver.map((e) => e.emailId)).not.toContain(email.id);

    const release = releaseEmail({
      emails,
      directory,
      judge: judgeEmail({ directory, recordAddressKey: async () => key, mailDomain: domain }),
      recordAddressKey: async () => key,
      mailDomain: domain,
      ticketMail: { publish: ticketWorker },
      now: () => new Date(),
    });
    const res = await release({
      path: { id: email.id },
      user: { id: 'admin', email: 'a@x.de', name: 'A', roles: ['admin'] },
    } as never);
    expect(res.status).toBe(200);
    expect((await ticketOf(await again(email))).subject).toBe('Gefälscht');
  });
});

describe('a reply', () => {
  it('becomes an update of its ticket by number, by In-Reply-To and by the ticket’s own address, from a person of its company', async () => {
    const first = await receive({
      from: maxAddress,
      subject: 'Rechnung falsch',
      messageId: `<first-${tag}@kunde.example>`,
    });
    const ticket = await ticketOf(first);

    const byNumber = await receive({
      from: colleagueAddress,
      subject: `Re: [${ticket.number}] Rechnung falsch`,
      text: 'Hier die Rechnung.',
    });
    expect(byNumber.links[`ticket:${ticket.id}`]).toBe('reply-to-ticket');
    const byThread = await receive({
      from: maxAddress,
      subject: 'Re: Rechnung',
      headers: [`In-Reply-To: <first-${tag}@kunde.example>`],
      text: 'Noch eine Frage.',
    });
    expect(byThread.links[`ticket:${ticket.id}`]).toBe('reply-to-ticket');
    const address = recordAddress(key, 'ticket', Number(ticket.number.slice(4)), domain);
    const byAddress = await receive({ from: maxAddress, subject: 'Nachtrag', recipients: [address] });
    expect(byAddress.links[`ticket:${ticket.id}`]).toBe('record-address');

    const log = (await tickets.updates(ticket.id)).map((u) => u.text);
    expect(log).toEqual(
      expect.arrayContaining([
        `${colleagueAddress} wrote: Hier die Rechnung.`,
        `${maxAddress} wrote: Noch eine Frage.`,
      ]),
    );
    expect((await ticketOf(byNumber)).id).toBe(ticket.id);
  });

  it('reopens a resolved ticket; to a closed one it opens the follow-up', async () => {
    const first = await receive({ from: maxAddress, subject: 'Zugang gesperrt' });
    const ticket = await ticketOf(first);
    await tickets.update(ticket, { ...ticket, status: 'resolved', version: ticket.version + 1 });
    await receive({ from: maxAddress, subject: `Re: ${ticket.number}`, text: 'Geht wieder nicht.' });
    const reopened = await tickets.get(ticket.id, { consistent: true });
    expect(reopened?.status).toBe('open');

    if (!reopened) throw new Error('gone');
    await tickets.update(reopened, { ...reopened, status: 'closed', version: reopened.version + 1 });
    const late = await receive({ from: maxAddress, subject: `Re: ${ticket.number}`, text: 'Und wieder.' });
    const followUp = await ticketOf(late);
    expect(followUp.id).not.toBe(ticket.id);
    expect(followUp.relatedTo).toEqual({ number: ticket.number, relation: 'follow-up' });
    expect((await tickets.get(ticket.id, { consistent: true }))?.status).toBe('closed');
  });

  it('from a stranger quoting the number opens a new ticket marked as a possible follow-up', async () => {
    const ticket = await ticketOf(await receive({ from: maxAddress, subject: 'Lieferung' }));
    const before = (await tickets.updates(ticket.id)).length;
    const stranger = await receive({ from: `fremd.${tag}@evil.example`, subject: `Re: ${ticket.number} Lieferung` });
    const opened = await ticketOf(stranger);
    expect(opened.id).not.toBe(ticket.id);
    expect(opened.relatedTo).toEqual({ number: ticket.number, relation: 'possible-follow-up' });
    expect(await tickets.updates(ticket.id)).toHaveLength(before);
  });
});

describe('mail that opens nothing', () => {
  it('an out-of-office reply and bulk mail are stored and flagged, and open no ticket', async () => {
    const ooo = await receive({
      from: maxAddress,
      subject: 'Abwesenheitsnotiz',
      headers: ['Auto-Submitted: auto-replied'],
    });
    const bulk = await receive({
      from: maxAddress,
      subject: 'Newsletter',
      headers: ['Precedence: bulk', 'List-Unsubscribe: <mailto:u@x.example>'],
    });
    for (const email of [ooo, bulk]) {
      expect(email.automated).toBe(true);
      expect(Object.keys((await again(email)).links).some((k) => k.startsWith('ticket:'))).toBe(false);
      expect(await guardOf(email.id)).toMatchObject({ outcome: 'automated', ticketId: null });
    }
  });

  const bounceOf = (originalMessageId: string, recipient: string, mentions = '') =>
    [
      `From: MAILER-DAEMON@mx.${tag}.example`,
      `To: service@${domain}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <${ulid()}@mx.${tag}.example>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      `Your message could not be delivered. ${mentions}`,
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example',
      '',
      `Final-Recipient: rfc822; ${recipient}`,
      'Action: failed',
      'Status: 5.1.1',
      '--b',
      'Content-Type: text/rfc822-headers',
      '',
      `From: service@${domain}`,
      `To: ${recipient}`,
      `Message-ID: ${originalMessageId}`,
      'Subject: Ihre Anfrage',
      '',
      '--b--',
      '',
    ].join('\r\n');
  const guardOf = async (emailId: string) =>
    createStore(doc, tableName).get(ticketMailGuards, ticketMailGuards.key(emailId), { consistent: true });

  it('a bounce of a ticket’s mail is noted on that ticket and linked to its person, and opens nothing', async () => {
    const original = `<angebot-${tag}@kunde.example>`;
    const ticket = await ticketOf(await receive({ from: maxAddress, subject: 'Angebot', messageId: original }));
    const bounce = await receive({
      from: `MAILER-DAEMON@mx.${tag}.example`,
      envelopeFrom: '',
      subject: 'Undelivered Mail Returned to Sender',
      raw: bounceOf(original, maxAddress),
    });
    expect(bounce.bounce).toEqual({
      recipients: [{ address: maxAddress, action: 'failed', status: '5.1.1' }],
      originalMessageId: original,
    });
    expect(bounce.automated).toBe(true);
    expect(bounce.forwardedFrom).toBeNull();
    const linked = await again(bounce);
    expect(linked.links[`person:${max.id}`]).toBe('bounced-recipient');
    expect(linked.links[`ticket:${ticket.id}`]).toBe('bounced-recipient');
    expect(await guardOf(bounce.id)).toMatchObject({ outcome: 'bounce', ticketId: ticket.id });
    const log = (await tickets.updates(ticket.id)).map((u) => u.text);
    expect(log).toContain(`Mail could not be delivered: ${maxAddress} (failed, 5.1.1)`);
  });

  it('a report anyone can send changes no ticket it merely quotes and links no person; a bounce of a closed ticket’s mail is stored', async () => {
    const ticket = await ticketOf(await receive({ from: maxAddress, subject: 'Wartung' }));
    const before = (await tickets.updates(ticket.id)).length;
    const forged = await receive({
      from: `fake.${tag}@evil.example`,
      subject: 'Undelivered',
      raw: bounceOf(`<not-a-ticket-mail-${tag}@evil.example>`, maxAddress, `about ${ticket.number}`),
    });
    expect(await guardOf(forged.id)).toMatchObject({ outcome: 'bounce', ticketId: null });
    expect(Object.keys((await again(forged)).links).filter((k) => !k.endsWith(':sender'))).toEqual([]);
    expect(await tickets.updates(ticket.id)).toHaveLength(before);

    const original = `<closed-${tag}@kunde.example>`;
    const closed = await ticketOf(await receive({ from: maxAddress, subject: 'Erledigt', messageId: original }));
    await tickets.update(closed, { ...closed, status: 'closed', version: closed.version + 1 });
    const late = await receive({
      from: `MAILER-DAEMON@mx.${tag}.example`,
      envelopeFrom: '',
      subject: 'x',
      raw: bounceOf(original, maxAddress),
    });
    expect(await guardOf(late.id)).toMatchObject({ outcome: 'bounce', ticketId: closed.id });
    expect((await tickets.get(closed.id, { consistent: true }))?.status).toBe('closed');
  });

  it('a reply whose From is not vouched for changes no ticket: it opens a possible follow-up', async () => {
    const ticket = await ticketOf(await receive({ from: maxAddress, subject: 'Vertrag' }));
    // no DMARC policy, and SPF for another domain than the From's
    const spoofed = await receive({
      from: maxAddress,
      envelopeFrom: `bounce@mailer.${tag}.example`,
      subject: `Re: ${ticket.number}`,
      verdicts: { dmarc: 'GRAY' },
    });
    expect(spoofed.senderVerified).toBe(false);
    const opened = await ticketOf(await again(spoofed));
    expect(opened.id).not.toBe(ticket.id);
    expect(opened.relatedTo).toEqual({ number: ticket.number, relation: 'possible-follow-up' });
  });

  it('stops one sender at the hour’s limit of tickets', async () => {
    const sender = `flut.${tag}@spam.example`;
    const opened: string[] = [];
    const usual = worker;
    worker = emailWorkerWith(ticketWorkerWith(5));
    try {
      for (let i = 0; i < 7; i += 1) {
        const email = await receive({ from: sender, subject: `Anfrage ${i}` });
        if (Object.keys(email.links).some((k) => k.startsWith('ticket:'))) opened.push(email.id);
      }
      // another sender in the same hour is not held back
      expect(Object.keys((await receive({ from: `ander.${tag}@spam.example`, subject: 'Eine' })).links)).toContainEqual(
        expect.stringMatching(/^ticket:/),
      );
    } finally {
      worker = usual;
    }
    expect(opened).toHaveLength(5);
  });

  it('takes a redelivered hand-over once', async () => {
    const email = await receive({ from: maxAddress, subject: 'Einmal' });
    const ticket = await ticketOf(email);
    await ticketWorker({ type: 'ticket-mail-received', version: 1, emailId: email.id });
    const listed = (await tickets.list({ personId: max.id, limit: 100 })).items.filter((t) => t.subject === 'Einmal');
    expect(listed.map((t) => t.id)).toEqual([ticket.id]);
    expect(Object.keys((await again(email)).links).filter((k) => k.startsWith('ticket:'))).toEqual([
      `ticket:${ticket.id}`,
    ]);
  });
});
