import { describe, expect, it } from 'vitest';
import { KontaktError } from '../../../domain/shared/errors.ts';
import {
  assignByRule,
  checkServiceDeskSettings,
  defaultServiceDeskSettings,
  type ServiceDeskSettings,
} from '../../../domain/tickets/service-desk.ts';

const fieldsOf = (settings: ServiceDeskSettings): string[] => {
  try {
    checkServiceDeskSettings(settings);
  } catch (error) {
    if (error instanceof KontaktError) return (error.errors ?? []).map((e) => e.field);
    throw error;
  }
  return [];
};

describe('service desk settings', () => {
  it('takes the defaults, and names every broken rule by its field', () => {
    expect(fieldsOf(defaultServiceDeskSettings)).toEqual([]);
    expect(
      fieldsOf({
        hours: { timeZone: 'Europe/Berlin', opens: '18:00', closes: '08:00' },
        targets: { high: { firstResponseMinutes: 600, resolutionMinutes: 60 } },
        teams: [
          { id: 'a', name: 'A', memberIds: ['u1', 'u1'] },
          { id: 'a', name: 'A again', memberIds: [] },
        ],
        assignmentRules: [
          { ticketType: 'question', assignTo: { teamId: 'b' } },
          { ticketType: 'question', assignTo: { userId: 'u1' } },
        ],
      }),
    ).toEqual([
      'hours.closes',
      'targets.normal',
      'targets.high.firstResponseMinutes',
      'teams.0.memberIds',
      'teams.1.id',
      'assignmentRules.0.assignTo.teamId',
      'assignmentRules.1.ticketType',
    ]);
  });

  it("assigns by type: to the rule's user, or to the team member with the fewest active tickets", async () => {
    const settings = {
      teams: [{ id: 'service', name: 'Service', memberIds: ['u1', 'u2', 'u3'] }],
      assignmentRules: [
        { ticketType: 'complaint', assignTo: { userId: 'boss' } },
        { ticketType: 'incident', assignTo: { teamId: 'service' } },
      ],
    };
    const active: Record<string, number> = { u1: 4, u2: 1, u3: 1 };
    const count = async (id: string) => active[id] ?? 0;
    expect(await assignByRule(settings, 'complaint', count)).toMatchObject({ userId: 'boss' });
    expect(await assignByRule(settings, 'incident', count)).toMatchObject({
      userId: 'u2',
      rule: 'type incident → team service',
    });
    expect(await assignByRule(settings, 'question', count)).toBeNull();
  });
});
