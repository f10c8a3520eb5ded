/**
 * The key that signs per-record addresses (`opp-12.<token>@<domain>`, domain/emails/smart-bcc.ts):
 * an SSM SecureString in AWS (`RECORD_ADDRESS_KEY_PARAMETER`), a git-ignored file locally
 * (`RECORD_ADDRESS_KEY_FILE`, written by the local stack on first start). Loaded at the first use
 * and kept for the container's life; a failed load is forgotten, so the next message tries again.
 *
 * In AWS it is read through the AWS Parameters and Secrets Lambda Extension (a layer the stack adds
 * to the functions that read it), over HTTP on localhost with the function's session token: the
 * SSM client would add 230 KB to the email worker's bundle, which has a budget of 1 MB.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import { mailDomainEnv } from '../shared/env.ts';

const optionalSetting = z.optional(z.string().check(z.minLength(1)));

export const recordAddressKeyEnv = {
  RECORD_ADDRESS_KEY_FILE: optionalSetting,
  RECORD_ADDRESS_KEY_PARAMETER: optionalSetting,
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: optionalSetting,
  AWS_SESSION_TOKEN: optionalSetting,
};

/** What every function that judges mail addresses reads: the domain, the service address's local part and the record address key. */
export const mailJudgeEnv = {
  ...mailDomainEnv,
  ...recordAddressKeyEnv,
  SERVICE_LOCAL_PART: z._default(z.string().check(z.minLength(1)), 'service'),
};

export type RecordAddressKeySource = {
  RECORD_ADDRESS_KEY_FILE?: string | undefined;
  RECORD_ADDRESS_KEY_PARAMETER?: string | undefined;
  /** set by the extension's layer (2773 by default) */
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT?: string | undefined;
  AWS_SESSION_TOKEN?: string | undefined;
};

const Parameter = z.object({ Parameter: z.object({ Value: z.string() }) });

/** One SecureString through the extension; it answers an error until it is ready, so a few tries are made. */
const readParameter = async (name: string, source: RecordAddressKeySource): Promise<string> => {
  const port = source.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const url = `http://localhost:${port}/systemsmanager/parameters/get?name=${encodeURIComponent(name)}&withDecryption=true`;
  let last: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const res = await fetch(url, {
        headers: { 'X-Aws-Parameters-Secrets-Token': source.AWS_SESSION_TOKEN ?? '' },
        signal: AbortSignal.timeout(3_000),
      });
      if (res.ok) return Parameter.parse(await res.json()).Parameter.Value;
      last = new Error(`the parameters extension answered ${res.status} for ${name}`);
    } catch (error) {
      last = error;
    }
    await new Promise((done) => setTimeout(done, 100 * 2 ** attempt));
  }
  throw new Error(`could not read the SSM parameter ${name}`, { cause: last });
};

/** A key shorter than this is refused: it would make the addresses' signatures guessable. */
const minKeyChars = 32;

const readKey = async (source: RecordAddressKeySource): Promise<string> => {
  let key: string | undefined;
  if (source.RECORD_ADDRESS_KEY_FILE !== undefined) {
    key = (await readFile(source.RECORD_ADDRESS_KEY_FILE, 'utf8')).trim();
  } else if (source.RECORD_ADDRESS_KEY_PARAMETER !== undefined) {
    key = await readParameter(source.RECORD_ADDRESS_KEY_PARAMETER, source);
  } else {
    throw new Error('set RECORD_ADDRESS_KEY_FILE or RECORD_ADDRESS_KEY_PARAMETER');
  }
  if (!key || key.length < minKeyChars)
    throw new Error(`the record address key must have at least ${minKeyChars} characters`);
  return key;
};

export type LoadRecordAddressKey = () => Promise<string>;

export const recordAddressKeyLoader = (source: RecordAddressKeySource): LoadRecordAddressKey => {
  let loading: Promise<string> | undefined;
  return () => {
    if (loading === undefined) {
      const attempt = readKey(source);
      loading = attempt;
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    return loading;
  };
};
