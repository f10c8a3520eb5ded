// The API's shapes are not the table's: an email's answer is mapped from the record, never from the
// item, so storing its fields under other attribute names (a rename in the entity declaration, as a
// schema change would make one) changes the item and no answer.
import { describe, expect, it } from 'vitest';
import { emails } from '../../../functions/emails/email.entity.ts';
import { EmailOut, toEmailResponse } from '../../../functions/emails/email-response.ts';
import { defineEntity } from '../../../functions/shared/entity.ts';
import { anEmail } from '../../support/fixtures.ts';

const email = anEmail();

const renamed = defineEntity({
  ...emails.definition,
  storedAs: { subject: 'subj', receivedAt: 'recv', attachments: 'files' },
});

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('renaming a stored attribute of an email', () => {
  it('changes the stored item', () => {
    const item = renamed.item(email);

    expect(item).toMatchObject({ subj: email.subject, recv: email.receivedAt, files: email.attachments });
    expect(item).not.toHaveProperty('subject');
    expect(item).not.toHaveProperty('receivedAt');
    expect(renamed.attributeName('subject')).toBe('subj');
    expect(renamed.attributeName('text')).toBe('text');
    // keys, index keys and tags stay as the declaration builds them
    expect(json({ ...item, subj: undefined, recv: undefined, files: undefined })).toEqual(
      json({ ...emails.item(email), subject: undefined, receivedAt: undefined, attachments: undefined }),
    );
  });

  it('changes no answer', () => {
    const before = toEmailResponse(emails.parse(emails.item(email)));
    const after = toEmailResponse(renamed.parse(renamed.item(email)));

    expect(json(after)).toEqual(json(before));
    expect(EmailOut.safeParse(after).success).toBe(true);
    expect(json(after)).toMatchObject({
      subject: 'Angebot OPP-7',
      receivedAt: '2031-03-03T10:00:05.000Z',
      attachments: [{ filename: 'angebot.pdf', size: 300, contentType: 'application/pdf' }],
    });
  });

  it('still reads an item written before the rename, and answers it the same', () => {
    expect(json(toEmailResponse(renamed.parse(emails.item(email))))).toEqual(json(toEmailResponse(email)));
  });

  it('refuses an item that has neither name, naming the field', () => {
    const { subj: _, ...broken } = renamed.item(email);

    expect(() => renamed.parse(broken)).toThrow(/stored email does not match its schema: subject/);
  });
});
