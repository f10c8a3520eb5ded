/**
 * Intake stores an entry alone; the duplicate-check worker indexes it (search and lookup items) and
 * then checks it. An end-to-end test that searches for entries it just sent waits for that first:
 * until each of them shows a check that is no longer pending.
 */
import { eventually } from './eventually.ts';

export const untilChecked = async (
  stack: { baseUrl: string; salesToken: string },
  ids: readonly string[],
): Promise<void> => {
  await eventually(
    async () => {
      for (const id of ids) {
        const res = await fetch(`${stack.baseUrl}/v1/inbox/${id}`, {
          headers: { authorization: `Bearer ${stack.salesToken}` },
        });
        if (res.status !== 200) return undefined;
        const entry = (await res.json()) as { duplicateCheck?: { status?: string } };
        if (entry.duplicateCheck?.status === 'pending') return undefined;
      }
      return true;
    },
    { what: `the worker indexed and checked ${ids.length} entries` },
  );
};
