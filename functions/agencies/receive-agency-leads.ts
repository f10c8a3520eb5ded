/**
 * Lead batches from agencies: the agency's key is checked first, then its per-minute limit; each
 * lead is checked on its own and stored through the one intake, once per guard (its externalId,
 * its place in an idempotent request, or its content), and the batch is answered lead by lead: a
 * lead that cannot be stored is `invalid` and never fails its neighbours.
 */
import { type Agency, agencyLeadTitle } from '../../domain/agencies/agency.ts';
import { bearerApiKey, hashApiKey } from '../../domain/agencies/api-key.ts';
import { type LeadGuard, type LeadResult, leadGuards, storageOrder } from '../../domain/agencies/lead-batch.ts';
import { highestCountBefore, rateWindowAt } from '../../domain/agencies/rate-window.ts';
import { KontaktError, validationError } from '../../domain/shared/errors.ts';
import { type IdempotencyStore, readIdempotencyKey, requestHash, type StoredAnswer } from '../inbox/idempotency.ts';
import { type IntakeDeps, storeLead } from '../inbox/intake.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import { logger } from '../shared/logger.ts';
import { mapBounded } from '../shared/map-bounded.ts';
import { retrying, sleep } from '../shared/retry.ts';
import { parseInput } from '../shared/validation.ts';
import { agencyLeadGuards } from './agency.entity.ts';
import type { AgencyRepository } from './agency.repository.ts';
import { type AgencyLead, AgencyLeadsBody, checkAgencyLead } from './agency-input.ts';
import { classifyStoreFailure, isOverload } from './store-failure.ts';

export type ReceiveAgencyLeadsDeps = {
  agencies: Pick<AgencyRepository, 'findKey' | 'get' | 'countLeads' | 'keepAnswer'>;
  idempotency: Pick<IdempotencyStore, 'find' | 'write'>;
  intake: IntakeDeps;
  /** leads stored side by side; each is one transaction and one queue message */
  concurrency: number;
  now: () => Date;
  /**
   * How long after the request began a lead may still be tried again (its write met a concurrent
   * one, or the database was too slow): past it the batch is answered 429, well before the
   * function's timeout would cut it off without an answer.
   */
  retryWithinMs: number;
  /** waits between attempts (tests pass a shorter one) */
  pause?: (milliseconds: number) => Promise<void>;
};

/**
 * Attempts per lead, at most, within `retryWithinMs`: 100 ms between them, doubling (never capped
 * within these attempts), with jitter so two colliding deliveries do not collide again.
 */
const maxAttempts = 6;

/** Seconds an agency waits before it sends a batch again that Kontakt was too busy to finish. */
export const busyRetryAfterSeconds = 5;

/**
 * A batch Kontakt could not finish in time because its database was busy (slow answers, throttling,
 * other deliveries of the same leads): a 429, like the agency's own limit, since the agency's
 * answer is the same: send it again later. What was stored is guarded, so the retry stores nothing twice.
 */
const busy = (cause: unknown): KontaktError =>
  new KontaktError(
    'busy',
    `Kontakt is too busy to store this batch now; send it again in ${busyRetryAfterSeconds} seconds (leads stored already are never stored twice)`,
    {
      headers: { 'retry-after': String(busyRetryAfterSeconds) },
      extra: { retryAfterSeconds: busyRetryAfterSeconds },
      cause,
    },
  );

/** The lead's answer when something in it keeps it from being stored; the reason goes to the log. */
const unstorable = (index: number): LeadResult => ({
  index,
  status: 'invalid',
  errors: [
    {
      field: `leads.${index}`,
      message: 'could not be stored as given; check its values (numbers, lengths, characters) and send it again',
    },
  ],
});

const invalidApiKey = (): KontaktError =>
  new KontaktError('invalid-api-key', 'A valid, unrevoked agency API key is required as Authorization: Bearer <key>', {
    headers: { 'www-authenticate': 'Bearer realm="kontakt-agency-leads"' },
  });

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
  if (highest === null) {
    // a batch larger than a minute's limit can never pass: waiting would not help, so not a 429
    throw validationError([
      {
        field: 'leads',
        message: `this agency may send ${agency.rateLimitPerMinute} leads per minute; send these ${count} in smaller batches`,
      },
    ]);
  }
  if (await deps.agencies.countLeads(agency.id, window, count, highest)) return;
  throw new KontaktError(
    'rate-limited',
    `This agency may send ${agency.rateLimitPerMinute} leads per minute; these ${count} leads would exceed it`,
    {
      headers: { 'retry-after': String(window.retryAfterSeconds) },
      extra: { limitPerMinute: agency.rateLimitPerMinute, retryAfterSeconds: window.retryAfterSeconds },
    },
  );
};

type ValidLead = { index: number; lead: AgencyLead; raw: Record<string, unknown>; guards: LeadGuard[] };

/**
 * The use case. A database too busy to answer in time anywhere in it (the key, the limit, a lead,
 * the kept answer) makes the whole batch a 429 with Retry-After: under load the agency backs off
 * and sends the same batch again, instead of seeing a 5xx.
 */
export const receiveAgencyLeads =
  (deps: ReceiveAgencyLeadsDeps) =>
  async (request: HttpRequest<unknown, undefined, undefined>): Promise<HttpResult> => {
    try {
      return await receive(deps, request);
    } catch (error) {
      if (!isOverload(error)) throw error;
      logger.warn('agency batch answered 429: the database is too busy', { error });
      throw busy(error);
    }
  };

const receive = async (
  deps: ReceiveAgencyLeadsDeps,
  request: HttpRequest<unknown, undefined, undefined>,
): Promise<HttpResult> => {
  const started = performance.now();
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
  const idempotency = idempotencyKey === null ? null : { key: idempotencyKey, requestHash: hash };
  body.leads.forEach((value, index) => {
    const checked = checkAgencyLead(value, index);
    if (!checked.valid) results.push(checked.result);
    else valid.push({ ...checked, guards: leadGuards(checked.lead, index, idempotency) });
  });

  const storeOnce = async ({ index, lead, raw, guards }: ValidLead): Promise<LeadResult> => {
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
      guards.map((guard) => ({
        key: agencyLeadGuards.key(agency.id, guard.id),
        entity: agencyLeadGuards.name,
        ...(guard.ttlSeconds === null ? {} : { ttlSeconds: guard.ttlSeconds }),
      })),
    );
    if (outcome.status === 'created') return { index, status: 'created', id: outcome.entry.id };
    // under the same Idempotency-Key the guard was taken by this very request (an attempt that
    // died before answering, or one running beside it): its first answer says created
    return guards[outcome.guard]?.kind === 'idempotencyKey'
      ? { index, status: 'created', id: outcome.id }
      : { index, status: 'duplicate_delivery', id: outcome.id };
  };

  const store = async (valid: ValidLead): Promise<LeadResult> => {
    // a lead not yet begun once the request's time for leads is up is not begun at all: a batch
    // that cannot finish in time is a 429 (sent again, its stored leads are found by their guards),
    // never the function's own timeout
    if (performance.now() - started > deps.retryWithinMs) throw busy(new Error('no time left for this lead'));
    let failed: unknown;
    try {
      return await retrying(() => storeOnce(valid), {
        attempts: maxAttempts,
        // another delivery of the same lead is writing its guard (once it is done, this one finds
        // it), or the database is slow: try again while the request has time, else answer 429
        retryable: (error) => {
          failed = error;
          const failure = classifyStoreFailure(error);
          return failure === 'conflict' || failure === 'overload';
        },
        basePauseMs: 100,
        maxPauseMs: 100 * 2 ** maxAttempts,
        pause: async (milliseconds) => {
          if (performance.now() - started + milliseconds > deps.retryWithinMs) throw busy(failed);
          await (deps.pause ?? sleep)(milliseconds);
        },
      });
    } catch (error) {
      const failure = classifyStoreFailure(error);
      if (failure === 'lead') {
        logger.error('agency lead could not be stored; answered invalid', {
          error,
          agencyId: agency.id,
          index: valid.index,
        });
        return unstorable(valid.index);
      }
      // still a conflict or a slow database after the last attempt
      throw failure === 'other' ? error : busy(error);
    }
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
  // keeping the answer saves a retry the work of finding each lead's guard; it is not the answer
  // itself: without time left, or when it cannot be kept, the stored leads are answered anyway
  if (idempotencyKey !== null && performance.now() - started <= deps.retryWithinMs) {
    const kept = await deps.agencies
      .keepAnswer(deps.idempotency.write(scope, idempotencyKey, hash, answer, now))
      .catch((error: unknown) => {
        if (isOverload(error)) throw error;
        logger.error('the answer to an agency batch could not be kept; a retry is answered from the leads’ guards', {
          error,
          agencyId: agency.id,
        });
        return true;
      });
    if (!kept) {
      // a concurrent attempt with the same key answered first; its leads are these leads
      const earlier = await deps.idempotency.find(scope, idempotencyKey, hash, now);
      if (earlier) return earlier;
    }
  }
  return answer;
};
