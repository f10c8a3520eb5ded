/** The service desk's settings (hours, targets, teams, assignment rules): one item; never stored means the defaults. */
import * as z from 'zod/mini';
import { defineEntity } from '../shared/entity.ts';

const Target = z.object({ firstResponseMinutes: z.number(), resolutionMinutes: z.number() });

export const serviceDeskSettings = defineEntity({
  name: 'service-desk',
  version: 1,
  schema: z.lazy(() =>
    z.object({
      hours: z.object({ timeZone: z.string(), opens: z.string(), closes: z.string() }),
      targets: z.record(z.string(), Target),
      teams: z.array(z.object({ id: z.string(), name: z.string(), memberIds: z.array(z.string()) })),
      assignmentRules: z.array(
        z.object({
          ticketType: z.string(),
          assignTo: z.union([z.object({ userId: z.string() }), z.object({ teamId: z.string() })]),
        }),
      ),
      version: z.number(),
      updatedAt: z.nullable(z.string()),
    }),
  ),
  key: () => ({ pk: 'SERVICEDESK', sk: 'SERVICEDESK' }),
  keyOf: () => [],
});
