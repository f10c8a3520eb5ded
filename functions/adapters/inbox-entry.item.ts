/**
 * Moved: the stored shape of an inbox entry is declared by `functions/inbox/inbox-entry.entity.ts`
 * and the API's by `functions/inbox/inbox-entry-response.ts`. These names stay until their last
 * callers have moved (routes take the response schemas, readers of stored items the entity).
 */

export { InboxEntryRecord as InboxEntrySchema } from '../inbox/inbox-entry.entity.ts';
export { CandidateResponse as CandidateSchema, MoneyResponse as MoneySchema } from '../inbox/inbox-entry-response.ts';
