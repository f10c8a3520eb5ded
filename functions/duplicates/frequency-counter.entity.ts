/**
 * Frequency counters of duplicate protection and the guards that count each record change once.
 * A counter holds how many stored persons (or companies) carry one value (`P|ln|mueller`, a scope's
 * total `P|*`), spread over `frequencyShards` items so that no single item takes every write of a
 * common value; the count is the sum of the shards, which share the value's partition so that a
 * check reads them with one Query (0.5 RCU) instead of one read each.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { defineEntity, type Key, onTable } from '../shared/entity.ts';

export const frequencyShards = 4;

const partition = (value: string): string => {
  const encoded = encodeURIComponent(value);
  // a value too long for a readable key gets its hash, so two long values never share a counter
  return encoded.length <= 400 ? `FREQ#${encoded}` : `FREQ#sha256:${createHash('sha256').update(value).digest('hex')}`;
};

/**
 * One shard of a value's count. Found by its shard, which it does not store (its record is the
 * value and the count), so its item is built with the shard given apart: `frequencyCounterItem`.
 */
export const frequencyCounters = defineEntity({
  name: 'frequency',
  version: 1,
  schema: z.object({ value: z.string(), count: z.number() }),
  key: (value: string, shard: number): Key => ({ pk: partition(value), sk: `SHARD#${shard}` }),
  keyOf: (): [string, number] => {
    throw new Error('a frequency counter is keyed by the shard it does not store: use frequencyCounterItem');
  },
  patterns: {
    /** the shards of one value */
    ofValue: (value: string) => onTable(partition(value)),
  },
});

export const frequencyCounterItem = (value: string, shard: number, count: number): Record<string, unknown> =>
  frequencyCounters.itemAt(frequencyCounters.key(value, shard), { value, count });

/** The update that adds `by` to one shard (it tags the item the first time it is written). */
export const addToCounter = (value: string, by: number) => ({
  expression: 'SET #et = :et, #v = :v, #value = :value ADD #count :by',
  names: { '#et': '_et', '#v': '_v', '#value': 'value', '#count': 'count' },
  values: { ':et': frequencyCounters.name, ':v': frequencyCounters.version, ':value': value, ':by': by },
});

/**
 * The guard of one counted change of a record (a stream event): written with the counters' updates,
 * so a redelivered change finds it and changes nothing. Keyed by the event's id, which it does not
 * store (its record is its expiry alone), so its item is built by `frequencyEventItem`.
 */
export const frequencyEvents = defineEntity({
  name: 'frequency-event',
  version: 1,
  schema: z.object({ ttl: z.number() }),
  key: (eventId: string): Key => ({ pk: `FREQEVENT#${eventId}`, sk: 'FREQEVENT' }),
  keyOf: (): [string] => {
    throw new Error('a frequency-event guard is keyed by the event id it does not store: use frequencyEventItem');
  },
});

export const frequencyEventItem = (eventId: string, ttl: number): Record<string, unknown> =>
  frequencyEvents.itemAt(frequencyEvents.key(eventId), { ttl });
