import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { mailLimits } from '../../../domain/emails/mail-limits.ts';
import { createCuts, limitMime } from '../../../functions/emails/limit-mime.ts';
import { hostileMails } from '../../support/hostile-mail.ts';

/** Runs a raw message through the limiting stages in one chunk (as a large S3 read may deliver it). */
const limited = async (raw: string) => {
  const cuts = createCuts();
  const stages = limitMime(cuts);
  const out: Buffer[] = [];
  await pipeline(
    Readable.from([Buffer.from(raw)]),
    stages.headerBlock,
    stages.splitter,
    stages.parts,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        out.push(chunk);
        callback();
      },
    }),
  );
  return { text: Buffer.concat(out).toString('utf8'), cuts: [...cuts.reasons] };
};

describe('the limits a raw message passes before mailparser', () => {
  it('passes an ordinary message through byte for byte', async () => {
    const raw = hostileMails.hostileNames('tag', ['a.pdf', 'b.pdf']);

    expect(await limited(raw)).toEqual({ text: raw, cuts: [] });
  });

  it('keeps the first 2 MiB of whole lines of a text part that comes in one chunk', async () => {
    const line = `${'w'.repeat(99)}\n`;
    const raw = `Subject: s\r\nContent-Type: text/html\r\n\r\n${line.repeat(30_000)}`;

    const { text, cuts } = await limited(raw);
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);

    expect(body.length).toBeLessThanOrEqual(mailLimits.maxTextPartBytes);
    expect(body.length).toBeGreaterThan(mailLimits.maxTextPartBytes - line.length);
    expect(body.endsWith(line)).toBe(true);
    expect(cuts).toEqual(['text']);
  });

  it('keeps the first 2 MiB of a text part that is one overlong line', async () => {
    const { text, cuts } = await limited(`Subject: s\r\nContent-Type: text/plain\r\n\r\n${'w'.repeat(3_000_000)}`);
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);

    expect(body.length).toBe(mailLimits.maxTextPartBytes);
    expect(cuts).toEqual(['text']);
  });

  it('cuts a header field at 100 KiB and keeps the fields after it', async () => {
    const { text, cuts } = await limited(hostileMails.hugeHeaderLine('tag'));
    const junk = text.split('\r\n').find((l) => l.startsWith('X-Junk:')) ?? '';

    expect(junk).toHaveLength(mailLimits.maxHeaderFieldBytes);
    expect(text).toContain('Subject: tag\r\n');
    expect(cuts).toEqual(['headers']);
  });

  it('drops header fields past the header block limit', async () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `X-${i}: y`).join('\r\n');
    const { text, cuts } = await limited(`Subject: first\r\n${many}\r\n\r\nbody`);

    expect(text).toContain('Subject: first');
    expect(text).not.toContain('X-19999:');
    expect(text.endsWith('\r\n\r\nbody')).toBe(true);
    expect(cuts).toEqual(['headers']);
  });

  it('stops at the depth limit', async () => {
    const { text, cuts } = await limited(hostileMails.deepNesting('tag', 40));

    // the message itself is depth 0
    expect(text).toContain(`boundary="n${mailLimits.maxMimeDepth}"`);
    expect(text).not.toContain(`boundary="n${mailLimits.maxMimeDepth + 1}"`);
    expect(cuts).toEqual(['parts']);
  });
});
