// The record address key: from a file locally, from SSM through the AWS Parameters and Secrets
// extension in AWS (here a local HTTP server answering as the extension does), kept once loaded,
// tried again after a failure, and refused when too short to sign anything.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAddressKeyLoader } from '../../../functions/emails/record-address-key.ts';

const key = 'k'.repeat(48);
let server: Server;
let port: string;
const seen: IncomingMessage[] = [];
let failures = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    if (failures > 0) {
      failures -= 1;
      res.writeHead(400).end('not ready');
      return;
    }
    if (req.headers['x-aws-parameters-secrets-token'] !== 'session-token') {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ Parameter: { Name: '/kontakt/record-address-key', Value: key, Type: 'SecureString' } }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = String((server.address() as AddressInfo).port);
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

describe('the record address key', () => {
  it('is read from SSM through the extension, decrypted, with the session token, once per container', async () => {
    seen.length = 0;
    const load = recordAddressKeyLoader({
      RECORD_ADDRESS_KEY_PARAMETER: '/kontakt/record-address-key',
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: port,
      AWS_SESSION_TOKEN: 'session-token',
    });
    expect(await load()).toBe(key);
    expect(await load()).toBe(key);
    expect(seen).toHaveLength(1);
    const url = new URL(seen[0]?.url ?? '', 'http://localhost');
    expect(url.pathname).toBe('/systemsmanager/parameters/get');
    expect(url.searchParams.get('name')).toBe('/kontakt/record-address-key');
    expect(url.searchParams.get('withDecryption')).toBe('true');
  });

  it('waits for an extension that is not ready yet', async () => {
    failures = 2;
    const load = recordAddressKeyLoader({
      RECORD_ADDRESS_KEY_PARAMETER: '/kontakt/record-address-key',
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: port,
      AWS_SESSION_TOKEN: 'session-token',
    });
    expect(await load()).toBe(key);
  });

  it('fails without the right token, and tries again at the next use', async () => {
    const source = {
      RECORD_ADDRESS_KEY_PARAMETER: '/kontakt/record-address-key',
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: port,
      AWS_SESSION_TOKEN: 'wrong',
    };
    const load = recordAddressKeyLoader(source);
    await expect(load()).rejects.toThrow('could not read the SSM parameter /kontakt/record-address-key');
    source.AWS_SESSION_TOKEN = 'session-token';
    expect(await load()).toBe(key);
  }, 20_000);

  it('is read from a file locally, and refused when too short', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kontakt-key-'));
    try {
      const file = join(dir, 'record-address-key');
      await writeFile(file, `${key}\n`);
      expect(await recordAddressKeyLoader({ RECORD_ADDRESS_KEY_FILE: file })()).toBe(key);
      await writeFile(file, 'short\n');
      await expect(recordAddressKeyLoader({ RECORD_ADDRESS_KEY_FILE: file })()).rejects.toThrow(
        'at least 32 characters',
      );
      await expect(recordAddressKeyLoader({})()).rejects.toThrow(
        'set RECORD_ADDRESS_KEY_FILE or RECORD_ADDRESS_KEY_PARAMETER',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
