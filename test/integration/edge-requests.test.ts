// The web-form function as the stage's edge serves it (ORIGIN_SECRET and PUBLIC_API_BASE set, as
// the stack sets them): requests without CloudFront's secret are refused, so the API's own address
// is closed; the embed script posts to the edge; and each viewer is limited on its own address,
// not on the CloudFront server's that API Gateway sees.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { originSecretHeader } from '../../functions/shared/edge.ts';
import { createWebformRepository } from '../../functions/webforms/webform.repository.ts';
import { documentClient, tableName, useLocalAwsEnv } from '../support/aws.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { ensureDemoForm } from '../support/fixtures.ts';

const secret = randomUUID();
type Answer = { statusCode: number; body?: string; headers?: Record<string, string> };
let handler: (event: unknown, context: unknown) => Promise<Answer>;

beforeAll(async () => {
  const doc = documentClient();
  useLocalAwsEnv();
  Object.assign(process.env, { ORIGIN_SECRET: secret, PUBLIC_API_BASE: 'https://forms.example.com' });
  delete process.env.SUBMISSION_LIMITS;
  handler = (await import('../../functions/webforms/webform-submissions.handler.ts')).handler as never;
  await ensureDemoForm(createWebformRepository(doc, tableName));
});

const submission = (headers: Record<string, string>, lastName = `Edge${randomUUID().slice(0, 8)}`) =>
  apiEvent({
    routeKey: 'POST /v1/webforms/{formKey}/submissions',
    path: '/v1/webforms/demo/submissions',
    pathParameters: { formKey: 'demo' },
    body: JSON.stringify({ lastName, email: `${lastName.toLowerCase()}@example.de` }),
    headers: { origin: 'http://localhost:3000', ...headers },
  });

describe('behind the edge', () => {
  it('refuses a request to the API’s own address (no secret, or a wrong one) with 403, and takes one through CloudFront', async () => {
    const direct = await handler(submission({}), lambdaContext());
    const forged = await handler(submission({ [originSecretHeader]: 'guess' }), lambdaContext());
    const viaEdge = await handler(
      submission({ [originSecretHeader]: secret, 'cloudfront-viewer-address': '203.0.113.10:443' }),
      lambdaContext(),
    );

    expect(direct.statusCode).toBe(403);
    expect(JSON.parse(direct.body ?? '{}')).toMatchObject({
      type: '/problems/forbidden',
      detail: expect.stringMatching(/edge/),
    });
    expect(forged.statusCode).toBe(403);
    expect(viaEdge.statusCode).toBe(201);
  });

  it('hands out an embed script that posts to the edge’s address, on the API’s own address too (sites embedded it before)', async () => {
    const embed = (headers: Record<string, string>) =>
      handler(
        apiEvent({
          routeKey: 'GET /v1/webforms/{formKey}/embed.js',
          path: '/v1/webforms/demo/embed.js',
          pathParameters: { formKey: 'demo' },
          headers,
        }),
        lambdaContext(),
      );
    const viaEdge = await embed({ [originSecretHeader]: secret });
    const direct = await embed({});

    for (const answer of [viaEdge, direct]) {
      expect(answer.statusCode).toBe(200);
      expect(answer.body).toContain('https://forms.example.com');
      expect(answer.body).not.toContain('test.local');
    }
  });

  it('limits each viewer on its own address: one that floods is stopped, another behind the same CloudFront server is not', async () => {
    const from = (ip: string) => ({ [originSecretHeader]: secret, 'cloudfront-viewer-address': `${ip}:50000` });
    // 40 at once against a burst of 20 (a token comes back every 3 s: a slow machine lets a few more through)
    const flooding = await Promise.all(
      Array.from(
        { length: 40 },
        async () => (await handler(submission(from('198.51.100.66')), lambdaContext())).statusCode,
      ),
    );
    const other = await handler(submission(from('198.51.100.77')), lambdaContext());

    expect(flooding.filter((status) => status === 201).length).toBeGreaterThanOrEqual(20);
    expect(flooding.filter((status) => status === 429).length).toBeGreaterThanOrEqual(10);
    expect(other.statusCode).toBe(201);
  });
});
