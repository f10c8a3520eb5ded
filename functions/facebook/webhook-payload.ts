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

const LeadgenValue = z.object({
  leadgen_id: Id,
  page_id: Id,
  form_id: z.optional(Id),
  ad_id: z.optional(Id),
  created_time: z.optional(EpochSeconds),
});

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

/** The leadgen changes of a delivery, each lead once; every other change is ignored. */
export const parseLeadgenChanges = (body: Buffer): LeadgenChange[] => {
  const payload = Payload.safeParse(parseJson(body));
  if (!payload.success) throw validationError(fieldErrors(payload.error, 'body'));
  const errors: FieldError[] = [];
  const leads = new Map<string, LeadgenChange>();
  payload.data.entry.forEach((entry, i) => {
    entry.changes.forEach((change, j) => {
      if (change.field !== 'leadgen') return;
      const value = LeadgenValue.safeParse(change.value);
      if (!value.success) {
        const at = `entry.${i}.changes.${j}.value`;
        errors.push(
          ...fieldErrors(value.error, at).map((e) => ({ ...e, field: e.field === at ? at : `${at}.${e.field}` })),
        );
        return;
      }
      const v = value.data;
      leads.set(v.leadgen_id, {
        leadgenId: v.leadgen_id,
        pageId: v.page_id,
        ...(v.form_id === undefined ? {} : { formId: v.form_id }),
        ...(v.ad_id === undefined ? {} : { adId: v.ad_id }),
        ...(v.created_time === undefined ? {} : { createdTime: v.created_time }),
      });
    });
  });
  if (errors.length > 0) throw validationError(errors);
  return [...leads.values()];
};
