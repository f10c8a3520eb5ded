/** Agency API keys: `ktk_<prefix>_<secret>`, shown once when issued and kept only as a SHA-256 hash. */
import { createHash } from 'node:crypto';

export type RandomBytes = (size: number) => Uint8Array;

export type IssuedApiKey = {
  /** the whole key, for the one answer that shows it */
  key: string;
  /** a short public part, so people can tell their keys apart without the secret */
  prefix: string;
  secretHash: string;
};

export const apiKeyScheme = 'ktk';
const prefixLength = 8;
const secretBytes = 32;
// 32 symbols, so `byte % 32` picks each with the same chance; no `_`, which separates the parts
const prefixAlphabet = '0123456789abcdefghjkmnpqrstvwxyz';
const keyPattern = new RegExp(`^${apiKeyScheme}_([${prefixAlphabet}]{${prefixLength}})_([A-Za-z0-9_-]{43})$`);

/**
 * SHA-256, not a slow key-derivation function: the secret is 256 random bits, so no guess list
 * or brute force gets anywhere near it, and a KDF (which protects low-entropy passwords) would
 * only add tens of milliseconds to every request an agency makes.
 */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** A new key from `random` (the platform's CSPRNG in production). */
export const generateApiKey = (random: RandomBytes): IssuedApiKey => {
  const prefix = Array.from(random(prefixLength), (byte) => prefixAlphabet.charAt(byte % 32)).join('');
  const secret = Buffer.from(random(secretBytes)).toString('base64url');
  const key = `${apiKeyScheme}_${prefix}_${secret}`;
  return { key, prefix, secretHash: hashApiKey(key) };
};

/** The key's public prefix, or null when the value cannot be a key Kontakt issued (no lookup needed). */
export const parseApiKey = (value: string): { prefix: string } | null => {
  const match = keyPattern.exec(value);
  return match?.[1] === undefined ? null : { prefix: match[1] };
};

/** The key in an `Authorization: Bearer <key>` header, or null. */
export const bearerApiKey = (header: string | undefined): string | null => {
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header ?? '');
  const key = match?.[1];
  return key !== undefined && parseApiKey(key) ? key : null;
};
