/** Reads a lead from Meta's Graph API (`GET /{leadgen-id}`) with the page's access token. */
import { createHmac } from 'node:crypto';
import * as z from 'zod/mini';

export const defaultGraphApiBaseUrl = 'https://graph.facebook.com/v21.0';

/** The base URL is configuration, so tests and the local stack can point it at a fake Graph server. */
export const graphApiEnv = {
  GRAPH_API_BASE_URL: z._default(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    defaultGraphApiBaseUrl,
  ),
};

/** `page_id` is not a field of the Lead node (asking for it is Graph error #100); the webhook names the page. */
const leadFields = 'id,created_time,field_data,form_id,ad_id';

const answer = z.pipe(
  z.union([z.string(), z.number(), z.boolean()]),
  z.transform((v) => String(v)),
);

export const GraphLead = z.object({
  created_time: z.optional(z.string()),
  form_id: z.optional(z.string()),
  ad_id: z.optional(z.string()),
  field_data: z._default(z.array(z.object({ name: z.string(), values: z._default(z.array(answer), []) })), []),
});
export type GraphLead = z.infer<typeof GraphLead>;

const GraphErrorBody = z.object({
  error: z.object({
    message: z.optional(z.string()),
    code: z.optional(z.number()),
    fbtrace_id: z.optional(z.string()),
  }),
});

/** Any failure to read a lead; the worker lets it fail the record so the queue retries it. */
export class GraphApiError extends Error {
  override readonly name = 'GraphApiError';
}

export type GraphClientOptions = {
  baseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
};

export const createGraphClient = (options: GraphClientOptions) => {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const get = options.fetch ?? fetch;
  return {
    async fetchLead(leadgenId: string, accessToken: string, appSecret: string): Promise<GraphLead> {
      const url = new URL(`${base}/${encodeURIComponent(leadgenId)}`);
      url.searchParams.set('access_token', accessToken);
      // Meta's proof that the caller holds the app secret; required when the app demands it
      url.searchParams.set('appsecret_proof', createHmac('sha256', appSecret).update(accessToken).digest('hex'));
      url.searchParams.set('fields', leadFields);
      let res: Response;
      let text: string;
      try {
        res = await get(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
        text = await res.text();
      } catch (cause) {
        // only the error's kind: the URL, which carries the access token, stays out of logs
        const reason =
          cause instanceof Error && cause.name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : 'network error';
        throw new GraphApiError(`Graph request for lead ${leadgenId} failed (${reason})`, { cause });
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (!res.ok) {
        const error = GraphErrorBody.safeParse(json).data?.error;
        const detail = error
          ? `code ${error.code ?? '?'}: ${error.message ?? ''} (fbtrace_id ${error.fbtrace_id ?? '?'})`
          : 'no Graph error body';
        throw new GraphApiError(`Graph answered ${res.status} for lead ${leadgenId}: ${detail}`);
      }
      const lead = GraphLead.safeParse(json);
      if (!lead.success) throw new GraphApiError(`Graph answered lead ${leadgenId} in an unexpected shape`);
      return lead.data;
    },
  };
};

export type GraphClient = ReturnType<typeof createGraphClient>;
