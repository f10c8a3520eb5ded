import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerApiKey, generateApiKey, hashApiKey, parseApiKey } from '../../../domain/agencies/api-key.ts';

/** Deterministic "random" bytes, so the key's layout can be asserted exactly. */
const counting = (size: number): Uint8Array => Uint8Array.from({ length: size }, (_, i) => i);

describe('generateApiKey', () => {
  it('builds ktk_<prefix>_<43 base64url characters> and keeps only its SHA-256 hash', () => {
    const issued = generateApiKey(counting);

    expect(issued.prefix).toBe('01234567');
    expect(issued.key).toBe(`ktk_01234567_${Buffer.from(counting(32)).toString('base64url')}`);
    expect(issued.key).toMatch(/^ktk_[0-9a-z]{8}_[A-Za-z0-9_-]{43}$/);
    expect(issued.secretHash).toBe(hashApiKey(issued.key));
    expect(issued.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(issued.secretHash).not.toContain(issued.key.slice(13));
  });

  it('gives a different key and hash every time with real randomness', () => {
    const keys = Array.from({ length: 50 }, () => generateApiKey((n) => randomBytes(n)));

    expect(new Set(keys.map((k) => k.key)).size).toBe(50);
    expect(new Set(keys.map((k) => k.secretHash)).size).toBe(50);
    expect(keys.every((k) => parseApiKey(k.key)?.prefix === k.prefix)).toBe(true);
  });
});

describe('parseApiKey and bearerApiKey', () => {
  const { key } = generateApiKey((n) => randomBytes(n));

  it('reads a key from an Authorization header, in any case of "Bearer"', () => {
    expect(bearerApiKey(`Bearer ${key}`)).toBe(key);
    expect(bearerApiKey(`bearer ${key}`)).toBe(key);
  });

  it('refuses anything that cannot be a key Kontakt issued, before any lookup', () => {
    expect(bearerApiKey(undefined)).toBeNull();
    expect(bearerApiKey(key)).toBeNull();
    expect(bearerApiKey(`Basic ${key}`)).toBeNull();
    expect(bearerApiKey(`Bearer ${key}x`)).toBeNull();
    expect(bearerApiKey(`Bearer ${key.replace('ktk_', 'ktx_')}`)).toBeNull();
    expect(parseApiKey(`ktk_ABCDEFGH_${'a'.repeat(43)}`)).toBeNull();
    expect(parseApiKey(`ktk_abcdefgh_${'a'.repeat(42)}`)).toBeNull();
  });
});
