/**
 * The embed script's signed timestamp: the time the script was served, signed with the form's
 * secret, so a bot can neither forge nor reuse an old one to skip the minimum fill time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FillToken } from '../../domain/webforms/webform.ts';

const sign = (secret: string, formKey: string, issuedAt: number): string =>
  createHmac('sha256', secret).update(`${formKey}.${issuedAt}`).digest('base64url');

export const issueFillToken = (secret: string, formKey: string, now: Date): string =>
  `${now.getTime()}.${sign(secret, formKey, now.getTime())}`;

/** Tokens older than a day are not accepted: a form page left open longer loads again. */
const maxAgeMs = 24 * 3600 * 1000;

export const readFillToken = (secret: string, formKey: string, value: string | undefined, now: Date): FillToken => {
  if (value === undefined || value === '') return { kind: 'absent' };
  const [issued, signature] = value.split('.');
  const issuedAt = Number(issued);
  if (!signature || !Number.isSafeInteger(issuedAt)) return { kind: 'invalid' };
  const expected = Buffer.from(sign(secret, formKey, issuedAt));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { kind: 'invalid' };
  if (issuedAt > now.getTime() + 60_000 || now.getTime() - issuedAt > maxAgeMs) return { kind: 'invalid' };
  return { kind: 'valid', issuedAt };
};
