/**
 * The service desk's settings, set by an admin: its hours, the targets per priority, its teams and
 * the rules that assign a new ticket (seed 004; Zendesk's triggers, Freshdesk's group assignment).
 *
 * A rule maps a ticket type to a user, or to a team, where the member with the fewest active
 * tickets gets it (the first such member in the team's order on a tie). Rules apply when a ticket
 * is opened without a responsible user; the assignment is logged as an update naming its rule.
 */
import { type FieldError, validationError } from '../shared/errors.ts';
import {
  defaultServiceHours,
  defaultServiceTargets,
  type ServiceHours,
  type ServiceTargets,
  serviceHoursProblems,
} from './service-hours.ts';

export type Team = { id: string; name: string; memberIds: string[] };

export type AssignmentRule = { ticketType: string; assignTo: { userId: string } | { teamId: string } };

export type ServiceDeskSettings = {
  hours: Omit<ServiceHours, 'holidays'>;
  targets: ServiceTargets;
  teams: Team[];
  assignmentRules: AssignmentRule[];
};

export const defaultServiceDeskSettings: ServiceDeskSettings = {
  hours: { ...defaultServiceHours },
  targets: defaultServiceTargets,
  teams: [],
  assignmentRules: [],
};

/** Every rule broken, named by field (`teams.1.id`, `assignmentRules.0.assignTo.teamId`); 400 if any. */
export const checkServiceDeskSettings = (settings: ServiceDeskSettings): ServiceDeskSettings => {
  const errors: FieldError[] = serviceHoursProblems(settings.hours).map((p) => ({
    field: `hours.${p.field}`,
    message: p.message,
  }));
  if (!settings.targets.normal) {
    errors.push({ field: 'targets.normal', message: 'give targets for normal: priorities without their own use them' });
  }
  for (const [priority, target] of Object.entries(settings.targets)) {
    if (target.firstResponseMinutes > target.resolutionMinutes) {
      errors.push({
        field: `targets.${priority}.firstResponseMinutes`,
        message: 'must not be longer than resolutionMinutes',
      });
    }
  }
  const teamIds = new Set<string>();
  settings.teams.forEach((team, i) => {
    if (teamIds.has(team.id)) errors.push({ field: `teams.${i}.id`, message: `team ${team.id} is given twice` });
    teamIds.add(team.id);
    if (new Set(team.memberIds).size !== team.memberIds.length) {
      errors.push({ field: `teams.${i}.memberIds`, message: 'members must be unique' });
    }
  });
  const ruledTypes = new Set<string>();
  settings.assignmentRules.forEach((rule, i) => {
    if (ruledTypes.has(rule.ticketType)) {
      errors.push({ field: `assignmentRules.${i}.ticketType`, message: `${rule.ticketType} has a rule already` });
    }
    ruledTypes.add(rule.ticketType);
    if ('teamId' in rule.assignTo && !teamIds.has(rule.assignTo.teamId)) {
      errors.push({ field: `assignmentRules.${i}.assignTo.teamId`, message: `no team ${rule.assignTo.teamId}` });
    }
    if ('teamId' in rule.assignTo) {
      const team = settings.teams.find((t) => 'teamId' in rule.assignTo && t.id === rule.assignTo.teamId);
      if (team && team.memberIds.length === 0) {
        errors.push({ field: `assignmentRules.${i}.assignTo.teamId`, message: `team ${team.id} has no members` });
      }
    }
  });
  if (errors.length > 0) throw validationError(errors);
  return settings;
};

/** What a rule decided: the user, and how it is told in the ticket's log. */
export type Assignment = { userId: string; rule: string; text: string };

/**
 * The responsible user a new ticket of `ticketType` gets by rule, or null when no rule applies.
 * `activeTickets` counts a team member's active tickets (asked only for teams).
 */
export const assignByRule = async (
  settings: Pick<ServiceDeskSettings, 'teams' | 'assignmentRules'>,
  ticketType: string,
  activeTickets: (userId: string) => Promise<number>,
): Promise<Assignment | null> => {
  const rule = settings.assignmentRules.find((r) => r.ticketType === ticketType);
  if (!rule) return null;
  if ('userId' in rule.assignTo) {
    const userId = rule.assignTo.userId;
    return {
      userId,
      rule: `type ${ticketType} → user ${userId}`,
      text: `Assigned to ${userId} by rule: ${ticketType}`,
    };
  }
  const teamId = rule.assignTo.teamId;
  const team = settings.teams.find((t) => t.id === teamId);
  if (!team || team.memberIds.length === 0) return null;
  const counts = await Promise.all(team.memberIds.map(async (id) => ({ id, active: await activeTickets(id) })));
  const fewest = counts.reduce((best, next) => (next.active < best.active ? next : best));
  return {
    userId: fewest.id,
    rule: `type ${ticketType} → team ${team.id}`,
    text: `Assigned to ${fewest.id} of team ${team.name} (${fewest.active} active tickets, the fewest) by rule: ${ticketType}`,
  };
};
