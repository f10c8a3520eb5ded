// What the logs of a lead's way say, read from the running local stack at its most verbose level
// (DEBUG): one correlation id from the web-form request through its duplicate check, the Lambda
// context on each line, and none of the lead's personal data — no name, email, phone, address,
// company or message — on any line.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilChecked } from '../support/indexed.ts';
import { type RunningStack, startStackProcess } from '../support/local-stack-process.ts';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startStackProcess({ env: { POWERTOOLS_LOG_LEVEL: 'DEBUG' } });
});

afterAll(async () => {
  await stack?.stop();
});

/** The JSON log lines of the stack's output (its other lines are the stack's own notices). */
const logLines = (): Record<string, unknown>[] =>
  stack
    .output()
    .split('\n')
    .flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

describe('the logs of a lead’s way', () => {
  it('carry one correlation id from the web-form request through the duplicate check, and none of the lead’s data', async () => {
    const tag = randomUUID()
      .replace(/[^a-z]/g, '')
      .slice(0, 8);
    const lead = {
      firstName: `Wilhelmine${tag}`,
      lastName: `Quastenberg${tag}`,
      email: `wilhelmine.${tag}@quastenberg-beispiel.de`,
      phone: '+49 30 98765432',
      company: `Quastenberg ${tag} Feinmechanik GmbH`,
      street: `Zwetschgenweg ${tag.length}7`,
      postalCode: '14467',
      city: 'Potsdam',
      message: `Bitte um Rückruf wegen Angebot ${tag}`,
      consent: 'true',
    };
    const correlationId = `e2e-${randomUUID()}`;

    const res = await fetch(`${stack.baseUrl}/v1/webforms/demo/submissions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: 'http://localhost:3000',
        'idempotency-key': `k-${tag}`,
        'x-correlation-id': correlationId,
      },
      body: JSON.stringify(lead),
    });
    const { id } = (await res.json()) as { id: string };
    await untilChecked(stack, [id]);

    expect(res.status).toBe(201);
    expect(res.headers.get('x-correlation-id')).toBe(correlationId);
    const ours = logLines().filter((line) => line.correlation_id === correlationId);
    // the request and the worker that checked the lead, each with its Lambda context
    expect(new Set(ours.map((line) => line.function_name))).toEqual(
      new Set(['kontakt-webform-submissions', 'kontakt-duplicate-check-worker']),
    );
    expect(ours.find((line) => line.function_name === 'kontakt-webform-submissions')).toMatchObject({
      message: 'request answered',
      api_request_id: expect.any(String),
    });
    const output = stack.output().toLowerCase();
    const personal = [lead.firstName, lead.lastName, lead.email, lead.company, lead.street, lead.message, tag];
    for (const value of personal) expect(output, `the logs name ${value}`).not.toContain(value.toLowerCase());
    for (const digits of ['98765432', '3098765432']) expect(output.replaceAll(/[\s/-]/g, '')).not.toContain(digits);
    // the stack logged at DEBUG indeed: every line there is, not only the errors
    expect(logLines().some((line) => line.level === 'DEBUG')).toBe(true);
  });
});
