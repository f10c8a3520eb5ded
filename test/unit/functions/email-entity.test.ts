// The email entities write exactly these items (keys, index keys, tags, attributes): a change orphans
// stored emails unless a migration moves them. The lists are sharded (FNV-1a of the id mod 4: shard 2 here).
import { describe, expect, it } from 'vitest';
import {
  emailIdentityGuardItem,
  emailSesGuardItem,
  emailSesGuards,
  emails,
} from '../../../functions/emails/email.entity.ts';
import { toEmailResponse } from '../../../functions/emails/email-response.ts';
import { anEmail } from '../../support/fixtures.ts';

const email = anEmail();

describe('stored emails', () => {
  it('keeps the item of an email: in a shard of the list of every email and of its status', () => {
    expect(emails.item(email)).toStrictEqual({
      pk: 'EMAIL#01JEMAIL0000000000000000AA',
      sk: 'EMAIL',
      gsi1pk: 'EMAILS#2',
      gsi1sk: '2031-03-03T10:00:05.000Z#01JEMAIL0000000000000000AA',
      gsi2pk: 'EMAILS#linked#2',
      gsi2sk: '2031-03-03T10:00:05.000Z#01JEMAIL0000000000000000AA',
      _et: 'email',
      _v: 2,
      ...email,
    });
  });

  it('keeps the identity guard that a copy of the message finds', () => {
    expect(emailIdentityGuardItem('abc', email.id)).toStrictEqual({
      pk: 'EMAIL#ID#abc',
      sk: 'EMAIL#ID',
      _et: 'email-identity-guard',
      _v: 1,
      emailId: '01JEMAIL0000000000000000AA',
    });
  });

  it('reads an email of version 1 (before Smart BCC judged mail) as unlinked, with nothing found', () => {
    const {
      envelopeFrom: _e,
      status: _s,
      quarantine: _q,
      links: _l,
      unmatchedAddresses: _u,
      unlinkedNumbers: _n,
      automated: _a,
      forwardedFrom: _f,
      invalidAddresses: _i,
      snippet: _sn,
      html: _h,
      identities: _id,
      released: _r,
      ...older
    } = emails.item(email);
    expect(emails.parse({ ...older, _v: 1 })).toMatchObject({
      status: 'unlinked',
      quarantine: null,
      links: {},
      unmatchedAddresses: [],
      unlinkedNumbers: [],
      automated: false,
      snippet: null,
      identities: [],
      released: null,
    });
  });

  it('keeps the SES message guard as it was written before', () => {
    expect(emailSesGuardItem(email.sesMessageId, email.id)).toStrictEqual({
      pk: 'EMAIL#SES#o3vq1f0s2mbc8lqg9b0example',
      sk: 'EMAIL#SES',
      _et: 'email-ses-guard',
      _v: 1,
      emailId: '01JEMAIL0000000000000000AA',
    });
    expect(emailSesGuards.parse(emailSesGuardItem(email.sesMessageId, email.id))).toEqual({ emailId: email.id });
  });

  it('reads an email stored before the limits existed as one of which nothing was cut', () => {
    const { truncated: _t, truncatedFields: _f, ...older } = emails.item(email);
    expect(emails.parse(older)).toMatchObject({ truncated: false, truncatedFields: [] });
  });

  it('reads emails newest first from every shard of the list', () => {
    expect(emails.patterns.byReceivedAt()).toEqual({
      index: 'gsi1',
      list: 'EMAILS',
      partitions: ['EMAILS#0', 'EMAILS#1', 'EMAILS#2', 'EMAILS#3'],
    });
  });
});

describe('the email API shape', () => {
  it('answers what it answered before, and the verdict: no SES ids, raw location, verdicts, attachment keys or identities', () => {
    expect(JSON.stringify(toEmailResponse(emails.parse(emails.item(email))))).toBe(
      JSON.stringify({
        id: email.id,
        messageId: email.messageId,
        subject: email.subject,
        from: email.from,
        to: email.to,
        cc: email.cc,
        date: email.date,
        receivedAt: email.receivedAt,
        attachments: [{ filename: 'angebot.pdf', size: 300, contentType: 'application/pdf' }],
        truncated: false,
        truncatedFields: [],
        snippet: 'Guten Tag',
        status: 'linked',
        quarantineReason: null,
        quarantineDetail: null,
        links: [
          { kind: 'user', id: 'u-anna', via: 'sender' },
          { kind: 'person', id: '01JPERSON00000000000000AA', via: 'to' },
        ],
        unmatchedAddresses: ['chef@example.org'],
        unlinkedNumbers: [{ number: 'TIC-9', reason: 'no-shared-contact' }],
        automated: false,
        forwardedFrom: null,
        invalidAddresses: [],
        released: null,
      }),
    );
  });
});
