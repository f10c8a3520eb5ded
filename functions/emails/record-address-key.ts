/**
 * The key that signs per-record addresses (`opp-12.<token>@<domain>`, domain/emails/smart-bcc.ts):
 * an SSM SecureString in AWS (`RECORD_ADDRESS_KEY_PARAMETER`), a git-ignored file locally
 * (`RECORD_ADDRESS_KEY_FILE`, written by the local stack on first start). Loaded at the first use
 * and kept for the container's life; a failed load is forgotten, so the next message tries again.
 * The SSM client is imported only when the parameter is read, so a cold start does not pay for it.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';

const optionalSetting = z.optional(z.string().check(z.minLength(1)));

export const recordAddressKeyEnv = {
  RECORD_ADDRESS_KEY_FILE: optionalSetting,
  RECORD_ADDRESS_KEY_PARAMETER: optionalSetting,
};

export type RecordAddressKeySource = {
  RECORD_ADDRESS_KEY_FILE?: string | undefined;
  RECORD_ADDRESS_KEY_PARAMETER?: string | undefined;
};

/** A key shorter than this is refused: it would make the addresses' signatures guessable. */
const minKeyChars = 32;

const readKey = async (source: RecordAddressKeySource): Promise<string> => {
  let key: string | undefined;
  if (source.RECORD_ADDRESS_KEY_FILE !== undefined) {
    key = (await readFile(source.RECORD_ADDRESS_KEY_FILE, 'utf8')).trim();
  } else if (source.RECORD_ADDRESS_KEY_PARAMETER !== undefined) {
    const [{ GetParameterCommand }, { createSsmClient }] = await Promise.all([
      import('@aws-sdk/client-ssm'),
      import('../shared/ssm-client.ts'),
    ]);
    const res = await createSsmClient().send(
      new GetParameterCommand({ Name: source.RECORD_ADDRESS_KEY_PARAMETER, WithDecryption: true }),
    );
    key = res.Parameter?.Value?.trim();
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
