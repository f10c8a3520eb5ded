/** Every message that crosses a queue, and the one parser that reads them. */
import * as z from 'zod/mini';
import { ActivityPlanRequestedV1 } from './activity-plan-requested.v1.ts';
import { CsvImportRequestedV1 } from './csv-import-requested.v1.ts';
import { EmailReceivedV1 } from './email-received.v1.ts';
import { FacebookLeadReceivedV1 } from './facebook-lead-received.v1.ts';
import { LeadReceivedV1 } from './lead-received.v1.ts';

export { ActivityPlanRequestedV1 } from './activity-plan-requested.v1.ts';
export { CsvImportRequestedV1 } from './csv-import-requested.v1.ts';
export { EmailReceivedV1 } from './email-received.v1.ts';
export { FacebookLeadReceivedV1 } from './facebook-lead-received.v1.ts';
export { LeadReceivedV1 } from './lead-received.v1.ts';

export const KontaktEvent = z.union([
  LeadReceivedV1,
  EmailReceivedV1,
  FacebookLeadReceivedV1,
  CsvImportRequestedV1,
  ActivityPlanRequestedV1,
]);
export type KontaktEvent = z.infer<typeof KontaktEvent>;

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/** Parses a queue message body against one schema; a message that fails is poison and must reach the DLQ. */
export const parseEvent = <S extends z.ZodMiniType>(schema: S, body: string): z.infer<S> => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new InvalidEventError('message body is not JSON', { cause });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const where = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidEventError(`message does not match its schema: ${where}`);
  }
  return result.data;
};
