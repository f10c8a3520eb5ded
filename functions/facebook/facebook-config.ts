/**
 * The Facebook app's secrets (app secret, verify token, one access token per page), read once per
 * container from a local file or an SSM SecureString, never from code or plain environment values.
 */
import { readFile } from 'node:fs/promises';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import * as z from 'zod/mini';

const secret = z.string().check(z.minLength(1));

export const FacebookConfig = z.object({
  appSecret: secret,
  verifyToken: secret,
  /** page id → page access token; a lead for a page missing here cannot be fetched */
  pages: z.record(z.string().check(z.regex(/^\d{1,40}$/, 'must be a numeric page id')), secret),
});
export type FacebookConfig = z.infer<typeof FacebookConfig>;

const optionalSetting = z.optional(z.string().check(z.minLength(1)));

/** Where the configuration lives: the file wins (local stack), the SSM parameter is AWS. */
export const facebookConfigEnv = {
  FACEBOOK_CONFIG_FILE: optionalSetting,
  FACEBOOK_CONFIG_PARAMETER: optionalSetting,
};

export type FacebookConfigSource = {
  FACEBOOK_CONFIG_FILE?: string | undefined;
  FACEBOOK_CONFIG_PARAMETER?: string | undefined;
};

export class FacebookConfigError extends Error {
  override readonly name = 'FacebookConfigError';
}

const parseConfig = (text: string, where: string): FacebookConfig => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new FacebookConfigError(`the Facebook configuration in ${where} is not JSON`, { cause });
  }
  const result = FacebookConfig.safeParse(json);
  if (!result.success) {
    // names the bad settings, never their values
    const fields = result.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw new FacebookConfigError(`the Facebook configuration in ${where} is invalid: ${fields}`);
  }
  return result.data;
};

const readConfig = async (source: FacebookConfigSource, ssm: () => SSMClient): Promise<FacebookConfig> => {
  if (source.FACEBOOK_CONFIG_FILE !== undefined) {
    return parseConfig(await readFile(source.FACEBOOK_CONFIG_FILE, 'utf8'), source.FACEBOOK_CONFIG_FILE);
  }
  if (source.FACEBOOK_CONFIG_PARAMETER !== undefined) {
    const res = await ssm().send(
      new GetParameterCommand({ Name: source.FACEBOOK_CONFIG_PARAMETER, WithDecryption: true }),
    );
    const value = res.Parameter?.Value;
    if (value === undefined)
      throw new FacebookConfigError(`SSM parameter ${source.FACEBOOK_CONFIG_PARAMETER} has no value`);
    return parseConfig(value, `SSM parameter ${source.FACEBOOK_CONFIG_PARAMETER}`);
  }
  throw new FacebookConfigError('set FACEBOOK_CONFIG_FILE or FACEBOOK_CONFIG_PARAMETER');
};

export type LoadFacebookConfig = (options?: { refresh?: boolean }) => Promise<FacebookConfig>;

/**
 * The configuration, loaded at the first request and then kept for the container's life; a failed
 * load (SSM throttled, file not yet written) is forgotten, so the next request tries again.
 * `refresh` reads it again, for a page added since the container started.
 */
export const facebookConfigLoader = (source: FacebookConfigSource, ssm: () => SSMClient): LoadFacebookConfig => {
  let loading: Promise<FacebookConfig> | undefined;
  let client: SSMClient | undefined;
  const ssmClient = (): SSMClient => {
    client ??= ssm();
    return client;
  };
  return (options = {}) => {
    if (loading === undefined || options.refresh === true) {
      const attempt = readConfig(source, ssmClient);
      loading = attempt;
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    return loading;
  };
};
