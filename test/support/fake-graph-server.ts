/**
 * A stand-in for Meta's Graph API on 127.0.0.1: serves `GET /v21.0/{leadgenId}` from leads held in
 * memory, checks the page access token, and can fail a lead's first requests with 500 to prove retries.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export type FakeLead = {
  /** the page whose access token may read it */
  accessToken: string;
  fieldData: { name: string; values: string[] }[];
  createdTime?: string;
  formId?: string;
  adId?: string;
};

export type FakeGraphServer = {
  /** the Graph base URL to configure, version path included */
  baseUrl: string;
  addLead: (leadgenId: string, lead: FakeLead) => void;
  /** the next `times` requests for this lead answer 500 */
  failFirst: (leadgenId: string, times: number) => void;
  /** requests seen per lead id, failed ones included */
  requestsFor: (leadgenId: string) => number;
  stop: () => Promise<void>;
};

const version = 'v21.0';

type Answer = { status: number; body: unknown };

const graphError = (status: number, code: number, message: string): Answer => ({
  status,
  body: { error: { message, type: 'OAuthException', code, fbtrace_id: 'fake' } },
});

export const startFakeGraphServer = async (): Promise<FakeGraphServer> => {
  const leads = new Map<string, FakeLead>();
  const failures = new Map<string, number>();
  const requests = new Map<string, number>();

  const answer = (req: IncomingMessage): Answer => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const id = new RegExp(`^/${version.replace('.', '\\.')}/(\\d+)$`).exec(url.pathname)?.[1];
    if (req.method !== 'GET' || id === undefined) return graphError(400, 100, 'Unsupported request');
    requests.set(id, (requests.get(id) ?? 0) + 1);
    const failuresLeft = failures.get(id) ?? 0;
    if (failuresLeft > 0) {
      failures.set(id, failuresLeft - 1);
      return graphError(500, 2, 'An unexpected error has occurred. Please retry your request later.');
    }
    const lead = leads.get(id);
    if (lead === undefined) return graphError(400, 100, `Object with ID '${id}' does not exist`);
    if (url.searchParams.get('access_token') !== lead.accessToken) {
      return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    }
    return {
      status: 200,
      body: {
        id,
        created_time: lead.createdTime ?? '2026-05-04T08:00:00+0000',
        ...(lead.formId === undefined ? {} : { form_id: lead.formId }),
        ...(lead.adId === undefined ? {} : { ad_id: lead.adId }),
        field_data: lead.fieldData,
      },
    };
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const { status, body } = answer(req);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = createServer(handle);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/${version}`,
    addLead: (leadgenId, lead) => {
      leads.set(leadgenId, lead);
    },
    failFirst: (leadgenId, times) => {
      failures.set(leadgenId, times);
    },
    requestsFor: (leadgenId) => requests.get(leadgenId) ?? 0,
    stop: () =>
      new Promise<void>((done, fail) => {
        server.closeAllConnections();
        server.close((error) => (error ? fail(error) : done()));
      }),
  };
};
