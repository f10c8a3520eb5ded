/**
 * A ticket's key and the lookup item of its number, apart from the ticket entity: modules that
 * find a ticket by number or key it (the email worker, reference items) need neither the ticket's
 * domain nor its service clocks (luxon), which the ticket entity's due-time index brings.
 */
import * as z from 'zod/mini';
import { defineEntity, type Key } from '../shared/entity.ts';

/** A ticket record's key. */
export const ticketKey = (id: string): Key => ({ pk: `TIC#${id}`, sk: 'TIC' });

/**
 * The lookup item of a ticket's number (`TIC-7` → 7), written in the ticket's transaction; keyed by
 * the number it does not store, so its item is built with `ticketNumberItem`, never `item()`.
 */
export const ticketNumbers = defineEntity({
  name: 'ticket-number',
  version: 1,
  schema: z.object({ ticketId: z.string() }),
  key: (number: number) => ({ pk: `TICNUMBER#${number}`, sk: 'TICNUMBER' }),
  keyOf: (): [number] => {
    throw new Error('a ticket-number item is keyed by the number it does not store: use ticketNumberItem');
  },
});

export const ticketNumberItem = (number: number, ticketId: string): Record<string, unknown> =>
  ticketNumbers.itemAt(ticketNumbers.key(number), { ticketId });
