import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  claimsAsApiGatewayPassesThem,
  devAudience,
  devIssuer,
  loadDevKeys,
} from '../../../infra/local/dev-auth.ts';
import { localVerdicts } from '../../../infra/local/smtp-receiving.ts';

describe('the local identity provider', () => {
  it('verifies its own tokens and keeps its key across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kontakt-auth-'));
    const token = await (await loadDevKeys(dir)).sign({ sub: 'demo-admin' });

    const claims = await (await loadDevKeys(dir)).verify(token);

    expect(claims).toMatchObject({ sub: 'demo-admin', iss: devIssuer, aud: devAudience });
  });

  it('rejects tokens signed by another key, expired, or for another audience', async () => {
    const keys = await loadDevKeys(await mkdtemp(join(tmpdir(), 'kontakt-auth-')));
    const other = await generateKeyPair('ES256');
    const foreign = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(devIssuer)
      .setAudience(devAudience)
      .setExpirationTime('1h')
      .sign(other.privateKey);

    await expect(keys.verify(foreign)).rejects.toThrow();
    await expect(keys.verify(await keys.sign({ sub: 'x' }, -10))).rejects.toThrow(/exp/);
  });

  it('reads the bearer token and passes claims as API Gateway does', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(claimsAsApiGatewayPassesThem({ sub: 's', exp: 5, 'cognito:groups': ['admin', 'sales'] })).toEqual({
      sub: 's',
      exp: '5',
      'cognito:groups': '[admin sales]',
    });
  });
});

describe('local SES verdicts', () => {
  it('are PASS unless the message asks for others', () => {
    expect(localVerdicts(undefined)).toEqual({ spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
    expect(localVerdicts('spam=fail, dkim=GRAY, bogus=FAIL, spf=maybe')).toEqual({
      spam: 'FAIL',
      virus: 'PASS',
      spf: 'PASS',
      dkim: 'GRAY',
      dmarc: 'PASS',
    });
  });
});
