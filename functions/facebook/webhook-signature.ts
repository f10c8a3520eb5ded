/** Meta's webhook signature: `X-Hub-Signature-256: sha256=<hex>`, an HMAC-SHA256 of the exact bytes sent. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const signatureFormat = /^sha256=([0-9a-f]{64})$/i;

/**
 * True when `header` is the app secret's HMAC of `body`. The body must be the bytes as received:
 * Meta escapes `/` and non-ASCII characters, so JSON parsed and serialised again signs differently.
 */
export const isValidSignature = (body: Buffer, header: string | undefined, appSecret: string): boolean => {
  const hex = header === undefined ? undefined : signatureFormat.exec(header.trim())?.[1];
  if (hex === undefined) return false;
  const expected = createHmac('sha256', appSecret).update(body).digest();
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
};

/** Compares two secrets in constant time, whatever their lengths (the digests are equally long). */
export const secretsEqual = (given: string, expected: string): boolean =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
