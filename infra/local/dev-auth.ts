/**
 * The local identity provider: an ES256 key kept under .kontakt/, signed dev tokens for the demo
 * users, and the same checks API Gateway's JWT authorizer makes (signature, issuer, audience,
 * expiry), passing the claims on the way API Gateway does.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';

export const devIssuer = 'https://kontakt.localhost/local-idp';
export const devAudience = 'kontakt-local';
const alg = 'ES256';

export type DevKeys = {
  sign: (claims: JWTPayload & { sub: string }, ttlSeconds?: number) => Promise<string>;
  verify: (token: string) => Promise<JWTPayload>;
};

export const loadDevKeys = async (dir: string): Promise<DevKeys> => {
  const file = join(dir, 'dev-signing-key.json');
  let privateJwk: JWK;
  if (existsSync(file)) {
    privateJwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
  } else {
    const pair = await generateKeyPair(alg, { extractable: true });
    privateJwk = await exportJWK(pair.privateKey);
    await mkdir(dir, { recursive: true });
    await writeFile(file, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  const { d: _private, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, alg);
  const publicKey = await importJWK(publicJwk, alg);
  return {
    sign: (claims, ttlSeconds = 30 * 24 * 3600) =>
      new SignJWT({ ...claims, token_use: 'id' })
        .setProtectedHeader({ alg, typ: 'JWT' })
        .setIssuer(devIssuer)
        .setAudience(devAudience)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey),
    verify: async (token) =>
      (await jwtVerify(token, publicKey, { issuer: devIssuer, audience: devAudience, algorithms: [alg] })).payload,
  };
};

/** API Gateway hands claims to the function as strings; arrays become "[a b]". */
export const claimsAsApiGatewayPassesThem = (payload: JWTPayload): Record<string, string> =>
  Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );

/** The bearer token of a request, as the JWT authorizer's identity source `$request.header.Authorization` reads it. */
export const bearerToken = (authorization: string | undefined): string | null => {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  return match?.[1] ?? null;
};
