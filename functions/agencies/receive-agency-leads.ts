/**
 * Lead batches from agencies: the agency's key is checked first, then its per-minute limit; each
 * lead is checked on its own and stored through the one intake, once per externalId (or per place
 * in an idempotent request), and the batch is answered lead by lead.
 */
import { type Agency, agencyLeadTitle } from '../../domain/agencies/agency.ts';
import { bearerApiKey, hashApiKey } from '../../domain/agencies/api-key.ts';
import { type LeadResult, leadGuardId, storageOrder } from '../../domain/agencies/lead-batch.ts';
import { highestCountBefore, rateWindowAt } from '../../domain/agencies/rate-window.ts';
import { KontaktError } from '../../domain/shared/errors.ts';
import { type IdempotencyStore, readIdempotencyKey, requestHash, type StoredAnswer } from '../adapters/idempotency.ts';
import { type IntakeDeps, storeLead } from '../inbox/intake.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import { logger } from '../shared/logger.ts';
import { mapBounded } from '../shared/map-bounded.ts';
import { agencyExternalIdKey } from '../shared/table.ts';
import { parseInput } from '../shared/validation.ts';
import type { AgencyRepository } from './agency.repository.ts';
import { type AgencyLead, AgencyLeadsBody, checkAgencyLead } from './agency-input.ts';

export type ReceiveAgencyLeadsDeps = {
  agencies: Pick<AgencyRepository, 'findKey' | 'get' | 'countLeads' | 'keepAnswer'>;
  idempotency: Pick<IdempotencyStore, 'find' | 'write'>;
  intake: IntakeDeps;
  /** leads stored side by side; each is one transaction and one queue message */
  concurrency: number;
  now: () => Date;
};

const guardEntity = 'agency-lead-guard';

const invalidApiKey = (): KontaktError =>
  new KontaktError(
    'invalid-api-key',
    401,
    'Unauthorized',
    'A valid, unrevoked agency API key is required as Authorization: Bearer <key>',
    { headers: { 'www-authenticate': 'Bearer realm="kontakt-agency-leads"' } },
  );

/** The calling agency; every way a key can fail is the same 401, so a caller learns nothing from which. */
const authenticate = async (deps: ReceiveAgencyLeadsDeps, authorization: string | undefined): Promise<Agency> => {
  const key = bearerApiKey(authorization);
  if (key === null) throw invalidApiKey();
  // Looked up by hash: the comparison happens inside DynamoDB on a value the caller cannot steer
  // towards the stored one, so there is no timing to measure.
  const found = await deps.agencies.findKey(hashApiKey(key));
  if (!found || found.revokedAt !== null) throw invalidApiKey();
  const agency = await deps.agencies.get(found.agencyId);
  if (!agency) throw invalidApiKey();
  return agency;
};

/**
 * The limit counts leads, not requests: what a batch costs (a transaction and a duplicate check
 * per lead) grows with its leads, and a per-request count would let 100-lead batches through at
 * the rate of single ones. Every lead counts, valid or not, since checking one is work too. A
 * replayed answer for an Idempotency-Key is not counted (it stores nothing); a refused batch is
 * not counted either (the condition keeps the counter as it was).
 */
const takeQuota = async (deps: ReceiveAgencyLeadsDeps, agency: Agency, count: number, now: Date): Promise<void> => {
  const window = rateWindowAt(now);
  const highest = highestCountBefore(count, agency.rateLimitPerMinute);
  if (highest !== null && (await deps.agencies.countLeads(agency.id, window, count, highest))) return;
  throw new KontaktError(
    'rate-limited',
    429,
    'Too many requests',
    highest === null
      ? `This agency may send ${agency.rateLimitPerMinute} leads per minute; send this batch of ${count} in smaller parts`
      : `This agency may send ${agency.rateLimitPerMinute} leads per minute; these ${count} leads would exceed it`,
    {
      headers: { 'retry-after': String(window.retryAfterSeconds) },
      extra: { limitPerMinute: agency.rateLimitPerMinute, retryAfterSeconds: window.retryAfterSeconds },
    },
  );
};

type ValidLead = { index: number; lead: AgencyLead; raw: Record<string, unknown>; guard: string | null };

export const receiveAgencyLeads =
  (deps: ReceiveAgencyLeadsDeps) =>
  async (request: HttpRequest<unknown, undefined, undefined>): Promise<HttpResult> => {
    const agency = await authenticate(deps, request.headers.authorization);
    const body = parseInput(AgencyLeadsBody, request.body, 'body');
    const now = deps.now();
    const scope = `agency:${agency.id}`;
    const idempotencyKey = readIdempotencyKey(request.headers);
    const hash = requestHash(body);
    if (idempotencyKey !== null) {
      const first = await deps.idempotency.find(scope, idempotencyKey, hash, now);
      if (first) return first;
    }
    await takeQuota(deps, agency, body.leads.length, now);

    const results: LeadResult[] = [];
    const valid: ValidLead[] = [];
    body.leads.forEach((value, index) => {
      const checked = checkAgencyLead(value, index);
      if (!checked.valid) results.push(checked.result);
      else {
        const idempotency = idempotencyKey === null ? null : { key: idempotencyKey, requestHash: hash };
        valid.push({
          index,
          lead: checked.lead,
          raw: checked.raw,
          guard: leadGuardId(checked.lead, index, idempotency),
        });
      }
    });

    const store = async ({ index, lead, raw, guard }: ValidLead): Promise<LeadResult> => {
      const { externalId: _externalId, title: _title, ...content } = lead;
      const outcome = await storeLead(
        deps.intake,
        {
          ...content,
          source: 'lead_agency',
          priority: agency.defaultPriority,
          responsibleUserId: agency.responsibleUserId,
          title: agencyLeadTitle(agency.name, lead),
          raw: { ...raw, agencyId: agency.id },
          createdBy: null,
        },
        guard === null ? undefined : { key: agencyExternalIdKey(agency.id, guard), entity: guardEntity },
      );
      return outcome.status === 'created'
        ? { index, status: 'created', id: outcome.entry.id }
        : { index, status: 'duplicate_delivery', id: outcome.id };
    };
    const { first, repeats } = storageOrder(valid);
    results.push(...(await mapBounded(first, deps.concurrency, store)));
    results.push(...(await mapBounded(repeats, 1, store)));
    results.sort((a, b) => a.index - b.index);

    const answer: StoredAnswer = { status: 200, body: { results } };
    logger.info('agency leads received', {
      agencyId: agency.id,
      leads: results.length,
      created: results.filter((r) => r.status === 'created').length,
    });
    if (idempotencyKey !== null) {
      const kept = await deps.agencies.keepAnswer(deps.idempotency.write(scope, idempotencyKey, hash, answer, now));
      if (!kept) {
        // a concurrent attempt with the same key answered first; its leads are these leads
        const earlier = await deps.idempotency.find(scope, idempotencyKey, hash, now);
        if (earlier) return earlier;
      }
    }
    return answer;
  };
