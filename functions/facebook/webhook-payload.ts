/** Reads Meta's webhook payload: the `leadgen` changes of a page, ids normalised to strings. */
import * as z from 'zod/mini';
import { type FieldError, validationError } from '../../domain/shared/errors.ts';
import { fieldErrors } from '../shared/validation.ts';

const numericId = /^\d{1,40}$/;

/** Meta sends ids as numbers or strings; they travel as strings. */
const Id = z.pipe(
  z.union([
    z.string().check(z.regex(numericId, 'must be a numeric id')),
    z.int().check(z.nonnegative('must be a numeric id')),
  ]),
  z.transform((id) => String(id)),
);

/** epoch seconds, as a number or a numeric string */
const EpochSeconds = z.pipe(
  z.union([z.int(), z.string().check(z.regex(/^\d{1,12}$/, 'must be epoch seconds'))]),
  z.transform((t) => Number(t)),
);

/** What a change must carry to be fetched: the lead and the page whose token reads it. */
const LeadgenCore = z.object({ leadgen_id: Id, page_id: Id });

/** Context Meta adds; one that is malformed is left out, the lead is still fetched. */
const LeadgenContext = { form_id: Id, ad_id: Id, created_time: EpochSeconds } as const;

const Payload = z.object({
  object: z.string(),
  entry: z.array(
    z.object({
      // Messenger deliveries carry `messaging` instead; they have no changes to read
      changes: z._default(z.array(z.object({ field: z.string(), value: z.optional(z.unknown()) })), []),
    }),
  ),
});

export type LeadgenChange = {
  leadgenId: string;
  pageId: string;
  formId?: string;
  adId?: string;
  createdTime?: number;
};

/**
 * JSON.parse turns an id beyond 2^53 into a rounded number; the reviver keeps its digits from the
 * source text instead (Node 22+ passes the source of each primitive).
 */
const keepLargeIntegers = (_key: string, value: unknown, context?: { source?: string }): unknown =>
  typeof value === 'number' &&
  !Number.isSafeInteger(value) &&
  context?.source !== undefined &&
  numericId.test(context.source)
    ? context.source
    : value;

const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8'), keepLargeIntegers);
  } catch {
    throw validationError([{ field: 'body', message: 'not valid JSON' }]);
  }
};

export type LeadgenDelivery = {
  changes: LeadgenChange[];
  /** leadgen changes without a usable lead or page id: they cannot be fetched, so they are left out and reported */
  skipped: FieldError[];
};

/**
 * The leadgen changes of a delivery, each lead once; every other change is ignored. A change that
 * cannot be fetched (no usable leadgen or page id) is skipped and reported, never refuses the
 * delivery: Meta would send the whole delivery again, and its good leads with it, for ever.
 */
export const parseLeadgenChanges = (body: Buffer): LeadgenDelivery => {
  const payload = Payload.safeParse(parseJson(body));
  if (!payload.success) throw validationError(fieldErrors(payload.error, 'body'));
  const skipped: FieldError[] = [];
  const leads = new Map<string, LeadgenChange>();
  payload.data.entry.forEach((entry, i) => {
    entry.changes.forEach((change, j) => {
      if (change.field !== 'leadgen') return;
      const at = `entry.${i}.changes.${j}.value`;
      const core = LeadgenCore.safeParse(change.value);
      if (!core.success) {
        skipped.push(
          ...fieldErrors(core.error, at).map((e) => ({ ...e, field: e.field === at ? at : `${at}.${e.field}` })),
        );
        return;
      }
      const value: Record<string, unknown> =
        typeof change.value === 'object' && change.value !== null ? { ...change.value } : {};
      const context = (name: keyof typeof LeadgenContext) => {
        const parsed = LeadgenContext[name].safeParse(value[name]);
        return parsed.success ? parsed.data : undefined;
      };
      const formId = context('form_id');
      const adId = context('ad_id');
      const createdTime = context('created_time');
      leads.set(core.data.leadgen_id, {
        leadgenId: core.data.leadgen_id,
        pageId: core.data.page_id,
        ...(typeof formId === 'string' ? { formId } : {}),
        ...(typeof adId === 'string' ? { adId } : {}),
        ...(typeof createdTime === 'number' ? { createdTime } : {}),
      });
    });
  });
  return { changes: [...leads.values()], skipped };
};
