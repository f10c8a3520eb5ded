import { describe, expect, it } from 'vitest';
import { EmailReceivedV1 } from '../../../events/email-received.v1.ts';
import { InvalidEventError, parseEvent } from '../../../events/index.ts';
import { LeadReceivedV1 } from '../../../events/lead-received.v1.ts';

describe('parseEvent', () => {
  const lead = {
    type: 'lead-received',
    version: 1,
    inboxEntryId: 'e1',
    source: 'webform',
    requestedAt: '2026-01-01T00:00:00.000Z',
  };

  it('reads a message that matches its schema', () => {
    expect(parseEvent(LeadReceivedV1, JSON.stringify(lead))).toEqual(lead);
  });

  it('keeps fields added later within a version readable by older consumers', () => {
    expect(parseEvent(LeadReceivedV1, JSON.stringify({ ...lead, addedLater: true })).inboxEntryId).toBe('e1');
  });

  it('rejects a body that is not JSON, or another version, as poison', () => {
    expect(() => parseEvent(LeadReceivedV1, '{oops')).toThrow(InvalidEventError);
    expect(() => parseEvent(LeadReceivedV1, JSON.stringify({ ...lead, version: 2 }))).toThrow(/version/);
  });

  it('names the missing field of an email-received message', () => {
    expect(() => parseEvent(EmailReceivedV1, JSON.stringify({ type: 'email-received', version: 1 }))).toThrow(
      /sesMessageId/,
    );
  });
});
