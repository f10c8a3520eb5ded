// The custom resource that makes `cdk destroy` work with the stack's own receipt rule set: it
// activates the set on create only when the region has none active, and deactivates it on delete
// only when it is the active one (never someone else's).
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';

type Ses = { active: () => Promise<string | null>; activate: (name: string | undefined) => Promise<void> };
type Run = (event: unknown, ses: Ses) => Promise<{ Active: string }>;
type Handler = (event: unknown, context: unknown, ses?: Ses) => Promise<void>;
const { run, handler } = createRequire(import.meta.url)('../../../infra/cdk/inline/receipt-rule-set-switch.cjs') as {
  run: Run;
  handler: Handler;
};

/** An SES account whose active set is `active`; it records every activation asked of it. */
const sesWith = (active: string | null) => {
  const state = { active, calls: [] as (string | undefined)[] };
  const ses: Ses = {
    active: async () => state.active,
    activate: async (name) => {
      state.calls.push(name);
      state.active = name ?? null;
    },
  };
  return { ses, state };
};
const event = (RequestType: string, Activate = 'true', before?: string) => ({
  RequestType,
  ResourceProperties: { RuleSetName: 'Kontakt-prod-rules', Activate },
  ...(before ? { OldResourceProperties: { RuleSetName: before, Activate } } : {}),
});

/** A stand-in for CloudFormation's response URL: what the function PUT to it. */
const responseUrl = async () => {
  const puts: { method: string; body: Record<string, unknown> }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      puts.push({ method: req.method ?? '', body: JSON.parse(body) as Record<string, unknown> });
      res.end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/response`, puts, close: () => server.close() };
};

describe('the receipt rule set switch', () => {
  it('activates the stack’s set on create when no set is active', async () => {
    const { ses, state } = sesWith(null);
    expect(await run(event('Create'), ses)).toEqual({ Active: 'true' });
    expect(state.active).toBe('Kontakt-prod-rules');
  });

  it('never replaces another active set, and says so', async () => {
    const { ses, state } = sesWith('team-rules');
    expect(await run(event('Create'), ses)).toEqual({ Active: 'false' });
    expect(state.calls).toEqual([]);
  });

  it('leaves the activation alone when the stage says so', async () => {
    const { ses, state } = sesWith(null);
    expect(await run(event('Update', 'false'), ses)).toEqual({ Active: 'false' });
    expect(state.calls).toEqual([]);
  });

  it('hands the activation over when an update renames the set, so mail keeps coming in', async () => {
    const { ses, state } = sesWith('Kontakt-prod-old');
    expect(await run(event('Update', 'true', 'Kontakt-prod-old'), ses)).toEqual({ Active: 'true' });
    expect(state.active).toBe('Kontakt-prod-rules');
  });

  it('answers CloudFormation on its response URL, SUCCESS with the data or FAILED with the reason', async () => {
    const cfn = await responseUrl();
    const base = { StackId: 's', RequestId: 'r', LogicalResourceId: 'l', ResponseURL: cfn.url };
    try {
      await handler({ ...event('Create'), ...base }, {}, sesWith(null).ses);
      const broken: Ses = {
        active: async () => {
          throw new Error('AccessDenied: ses:DescribeActiveReceiptRuleSet');
        },
        activate: async () => undefined,
      };
      await handler({ ...event('Delete'), ...base }, {}, broken);
    } finally {
      cfn.close();
    }

    expect(cfn.puts.map((p) => p.method)).toEqual(['PUT', 'PUT']);
    expect(cfn.puts[0]?.body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'Kontakt-prod-rules',
      StackId: 's',
      RequestId: 'r',
      LogicalResourceId: 'l',
      Data: { Active: 'true' },
    });
    expect(cfn.puts[1]?.body).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/^AccessDenied/) });
  });

  it('deactivates the stack’s set before it is deleted, and no other set', async () => {
    const own = sesWith('Kontakt-prod-rules');
    await run(event('Delete'), own.ses);
    const other = sesWith('team-rules');
    await run(event('Delete'), other.ses);

    expect(own.state.calls).toEqual([undefined]);
    expect(own.state.active).toBeNull();
    expect(other.state.calls).toEqual([]);
    expect(other.state.active).toBe('team-rules');
  });
});
