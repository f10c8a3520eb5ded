/** Walks a chain of links upwards (supervisors, parent companies), bounded, to refuse cycles. */
import type { RecordStore, StoredRecord } from './contact-records.ts';

/** Deeper hierarchies than this are not org charts any CRM user keeps; the walk stops there. */
export const maxChainDepth = 25;

/** The ids above `startId` through `up`, nearest first; stops at a repeat, a gap or the depth limit. */
export const chainAbove = async <T extends StoredRecord>(
  store: Pick<RecordStore<T>, 'load'>,
  startId: string,
  up: (record: T) => string | undefined,
): Promise<string[]> => {
  const chain: string[] = [];
  let next: string | undefined = startId;
  while (next && chain.length < maxChainDepth && !chain.includes(next)) {
    chain.push(next);
    const loaded = await store.load(next);
    next = loaded?.state === 'active' ? up(loaded.record) : undefined;
  }
  return chain;
};
