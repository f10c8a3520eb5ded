/**
 * The frequency counter's use case: every change of a stored person or company — created, changed,
 * merged (the survivor changes, the duplicate becomes a tombstone), erased — arrives from the
 * table's stream with its old and new image, and moves the value counts by the difference, once.
 * Inbox entries (and spam) never reach it: the stream is filtered to person and company records.
 */
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { type CountedValue, countDelta, recordCountedValues } from '../../domain/duplicates/frequencies.ts';
import { companyProfiles, personProfiles } from '../../domain/duplicates/record-profiles.ts';
import { companies } from '../contacts/company.entity.ts';
import { isTombstone } from '../contacts/merge-state.entity.ts';
import { persons } from '../contacts/person.entity.ts';
import { logger } from '../shared/logger.ts';
import { type FrequencyCounter, shardOf } from './match-frequencies.ts';

export type CountFrequenciesDeps = { counter: Pick<FrequencyCounter, 'apply'>; now: () => Date };

/** The values a record image counts under: none for a tombstone or an absent image. */
export const countedValuesOf = (image: Record<string, unknown> | null): CountedValue[] => {
  if (image === null || isTombstone(image)) return [];
  if (persons.owns(image)) return recordCountedValues(personProfiles(persons.parse(image)));
  if (companies.owns(image)) return recordCountedValues(companyProfiles(companies.parse(image)));
  throw new Error(`a stream image of neither a person nor a company (${String(image._et)})`);
};

/** A stream record's change as plain items: the old and new image, the record's id, the event's id. */
export type RecordChange = {
  eventId: string;
  sequenceNumber: string;
  recordId: string;
  oldImage: Record<string, unknown> | null;
  newImage: Record<string, unknown> | null;
};

/**
 * Applies each change in stream order; on the first failure the rest of the batch is handed back
 * (Lambda retries a stream from the failed record, bisects, and sends what keeps failing to the
 * failure queue), so counts never skip a change of the same record.
 */
export const countFrequencies =
  (deps: CountFrequenciesDeps) =>
  async (changes: readonly RecordChange[]): Promise<DynamoDBBatchResponse> => {
    for (const change of changes) {
      try {
        const delta = countDelta(countedValuesOf(change.oldImage), countedValuesOf(change.newImage));
        if (delta.size === 0) continue;
        await deps.counter.apply(change.eventId, shardOf(change.recordId), delta, deps.now());
      } catch (error) {
        logger.error('a record change could not be counted; the stream retries it', {
          error,
          eventId: change.eventId,
          recordId: change.recordId,
        });
        return { batchItemFailures: [{ itemIdentifier: change.sequenceNumber }] };
      }
    }
    return { batchItemFailures: [] };
  };

export type StreamImageDecoder = (image: Record<string, AttributeValue>) => Record<string, unknown>;

/** The changes of a stream event, with images decoded from DynamoDB's attribute-value JSON. */
export const changesOf = (event: DynamoDBStreamEvent, decode: StreamImageDecoder): RecordChange[] =>
  event.Records.map((record) => {
    const data = record.dynamodb;
    const oldImage = data?.OldImage ? decode(data.OldImage) : null;
    const newImage = data?.NewImage ? decode(data.NewImage) : null;
    const id = (newImage ?? oldImage)?.id;
    return {
      eventId: record.eventID ?? data?.SequenceNumber ?? '',
      sequenceNumber: data?.SequenceNumber ?? '',
      recordId: typeof id === 'string' ? id : '',
      oldImage,
      newImage,
    };
  });
