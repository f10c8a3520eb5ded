import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { facebookConfigLoader } from '../../../functions/facebook/facebook-config.ts';

const config = { appSecret: 's3cret', verifyToken: 'v3rify', pages: { '100000000000001': 'page-token' } };

const configFile = async (content: string): Promise<string> => {
  const file = join(await mkdtemp(join(tmpdir(), 'kontakt-fb-config-')), 'facebook.json');
  await writeFile(file, content);
  return file;
};

const ssmWith = (value: string | undefined) => {
  const client = new SSMClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const mock = mockClient(client);
  mock.on(GetParameterCommand).resolves({ Parameter: value === undefined ? {} : { Value: value } });
  return { client, mock };
};

const noSsm = (): SSMClient => {
  throw new Error('SSM must not be asked');
};

describe('the Facebook configuration', () => {
  it('reads the local JSON file named by FACEBOOK_CONFIG_FILE', async () => {
    const load = facebookConfigLoader({ FACEBOOK_CONFIG_FILE: await configFile(JSON.stringify(config)) }, noSsm);

    expect(await load()).toEqual(config);
  });

  it('reads the SSM SecureString, decrypted, once per container', async () => {
    const { client, mock } = ssmWith(JSON.stringify(config));
    const load = facebookConfigLoader({ FACEBOOK_CONFIG_PARAMETER: '/kontakt/facebook' }, () => client);

    const [first, second] = await Promise.all([load(), load()]);
    const third = await load();

    expect(first).toEqual(config);
    expect(third).toBe(first);
    expect(second).toBe(first);
    expect(mock.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: '/kontakt/facebook', WithDecryption: true },
    ]);
  });

  it('tries again at the next request after a failed load', async () => {
    const { client, mock } = ssmWith(JSON.stringify(config));
    mock
      .on(GetParameterCommand)
      .rejectsOnce(new Error('ThrottlingException'))
      .resolves({
        Parameter: { Value: JSON.stringify(config) },
      });
    const load = facebookConfigLoader({ FACEBOOK_CONFIG_PARAMETER: '/kontakt/facebook' }, () => client);

    await expect(load()).rejects.toThrow('ThrottlingException');
    expect(await load()).toEqual(config);
  });

  it('reads the configuration again when asked to refresh, for a page added since', async () => {
    const file = await configFile(JSON.stringify(config));
    const load = facebookConfigLoader({ FACEBOOK_CONFIG_FILE: file }, noSsm);
    await load();
    const withNewPage = { ...config, pages: { ...config.pages, '100000000000002': 'new-page-token' } };
    await writeFile(file, JSON.stringify(withNewPage));

    const cached = await load();
    const refreshed = await load({ refresh: true });

    expect(cached).toEqual(config);
    expect(refreshed).toEqual(withNewPage);
    expect(await load()).toEqual(withNewPage);
  });

  it('names the invalid settings without showing any secret', async () => {
    const file = await configFile(JSON.stringify({ appSecret: '', verifyToken: 'v3rify', pages: { abc: 'tok' } }));
    const load = facebookConfigLoader({ FACEBOOK_CONFIG_FILE: file }, noSsm);

    const error = await load().catch((e: unknown) => e);

    expect(String(error)).toContain('appSecret');
    expect(String(error)).toContain('pages.abc');
    expect(String(error)).not.toContain('v3rify');
  });

  it('fails when neither a file nor a parameter is configured', async () => {
    await expect(facebookConfigLoader({}, noSsm)()).rejects.toThrow(
      'set FACEBOOK_CONFIG_FILE or FACEBOOK_CONFIG_PARAMETER',
    );
  });
});
