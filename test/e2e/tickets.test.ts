// The seed's service flow (seed 004, issue 15's proof) against the running local stack over real
// HTTP: an admin sets the service desk's team and rule, a complaint is opened and assigned by the
// rule, answered, resolved and closed; a closed ticket stays read-only until an update reopens it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStack, startStackProcess } from '../support/local-stack-process.ts';

let stack: RunningStack;

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
type Answer = { status: number; json: any };

const call = async (token: string, method: string, path: string, body?: unknown): Promise<Answer> => {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
};
const admin = (method: string, path: string, body?: unknown) => call(stack.adminToken, method, path, body);
const service = (method: string, path: string, body?: unknown) => call(stack.serviceToken, method, path, body);
const sales = (method: string, path: string, body?: unknown) => call(stack.salesToken, method, path, body);

beforeAll(async () => {
  stack = await startStackProcess();
});

afterAll(async () => {
  await stack?.stop();
});

describe('service tickets through the local stack', () => {
  it('opens a complaint, assigns it by rule, answers, resolves and closes it, every step in its log', async () => {
    const desk = await sales('GET', '/v1/service-desk');
    expect(desk).toMatchObject({ status: 200, json: { version: 0 } });
    const configured = await admin('PUT', '/v1/service-desk', {
      ...desk.json,
      version: desk.json.version,
      teams: [{ id: 'reklamation', name: 'Reklamationen', memberIds: ['demo-service'] }],
      assignmentRules: [{ ticketType: 'complaint', assignTo: { teamId: 'reklamation' } }],
      updatedAt: undefined,
    });
    expect(configured).toMatchObject({ status: 200, json: { version: 1 } });

    expect((await sales('POST', '/v1/tickets', { type: 'complaint', subject: 'x' })).status).toBe(403);
    const opened = await service('POST', '/v1/tickets', {
      type: 'complaint',
      subject: 'Fliesen gebrochen geliefert',
      description: 'Drei von zwölf Paketen beschädigt.',
      priority: 'high',
      value: { amount: 480.5, currency: 'EUR' },
      reference: { kind: 'invoice', number: 'RE-2026-0815' },
    });
    expect(opened).toMatchObject({
      status: 201,
      json: {
        status: 'new',
        responsibleUserId: 'demo-service',
        createdBy: 'demo-service',
        value: { amount: 480.5, currency: 'EUR' },
        updates: [{ authorId: null, rule: 'type complaint → team reklamation' }],
      },
    });
    const { id, number } = opened.json;
    expect(number).toMatch(/^TIC-\d+$/);

    // the admin answers: the first response by someone other than its creator
    expect(
      (await admin('POST', `/v1/tickets/${number}/updates`, { text: 'Ersatz ist bestellt', status: 'in_progress' }))
        .status,
    ).toBe(201);
    const answered = await sales('GET', `/v1/tickets/${number.toLowerCase()}`);
    expect(answered.json).toMatchObject({ id, status: 'in_progress', firstResponseDueAt: null });
    expect(answered.json.firstResponseAt).toEqual(expect.any(String));

    expect(
      (await service('POST', `/v1/tickets/${id}/updates`, { text: 'Ersatz geliefert', status: 'resolved' })).status,
    ).toBe(201);
    expect(
      (await service('POST', `/v1/tickets/${id}/updates`, { text: 'Kunde zufrieden', status: 'closed' })).status,
    ).toBe(201);
    const closed = await service('GET', `/v1/tickets/${id}`);
    expect(closed.json).toMatchObject({ status: 'closed', resolutionDueAt: null });
    expect(closed.json.updates.map((u: { status?: string }) => u.status ?? null)).toEqual([
      null,
      'in_progress',
      'resolved',
      'closed',
    ]);
    const refused = await service('PATCH', `/v1/tickets/${id}`, { version: closed.json.version, subject: 'neu' });
    expect(refused).toMatchObject({ status: 409, json: { type: '/problems/ticket-closed' } });

    const mine = await service('GET', '/v1/tickets?responsibleUserId=demo-service&status=closed');
    expect(mine.json.items.map((t: { id: string }) => t.id)).toContain(id);

    // "my tickets" on the personal board: open, in progress, closed recently
    const waiting = await service('POST', '/v1/tickets', {
      type: 'question',
      subject: 'Lieferzeit?',
      responsibleUserId: 'demo-service',
    });
    const working = await service('POST', '/v1/tickets', {
      type: 'question',
      subject: 'Angebot?',
      responsibleUserId: 'demo-service',
    });
    await admin('POST', `/v1/tickets/${working.json.id}/updates`, { text: 'dran', status: 'in_progress' });
    const board = await service('GET', '/v1/me/board');
    expect(board.status).toBe(200);
    const ids = (list: { id: string }[]) => list.map((t) => t.id);
    expect(ids(board.json.tickets.open)).toContain(waiting.json.id);
    expect(ids(board.json.tickets.inProgress)).toEqual([working.json.id]);
    expect(ids(board.json.tickets.closedRecently)).toContain(id);
    expect(ids(board.json.tickets.open)).not.toContain(id);
  });
});
