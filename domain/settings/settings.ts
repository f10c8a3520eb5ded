/** Configurable lists (sources, priorities, loss reasons, tags, holidays, ticket types, origins) with the defaults API.md and the seeds name. */
import { defaultHolidays } from '../calendar/german-holidays.ts';
import { defaultPriorities, defaultSources } from '../inbox/inbox-entry.ts';
import { type FieldError, unprocessable, validationError } from '../shared/errors.ts';
import { defaultTicketTypes } from '../tickets/ticket.ts';

export const settingsLists = [
  'sources',
  'priorities',
  'loss-reasons',
  'tags',
  'holidays',
  'ticket-types',
  'origins',
] as const;
export type SettingsList = (typeof settingsLists)[number];

export const defaultLossReasons = [
  'price',
  'competitor',
  'no_budget',
  'no_need',
  'timing',
  'no_response',
  'other',
] as const;

/** Where a contact came from (Herkunft), as seed 000 (1CRM) lists it. */
export const defaultOrigins = [
  'Kaltakquise',
  'Bestandskunde',
  'Selber generiert',
  'Mitarbeiter',
  'Partner',
  'Werbung',
  'Mailing',
  'Konferenz',
  'Messe',
  'Website',
  'Kundenportal',
  'Empfehlung',
  'E-Mail',
  'Andere',
] as const;

export const settingsDefaults: Record<SettingsList, readonly string[]> = {
  sources: defaultSources,
  priorities: defaultPriorities,
  'loss-reasons': defaultLossReasons,
  tags: [],
  holidays: defaultHolidays(),
  'ticket-types': defaultTicketTypes,
  origins: defaultOrigins,
};

/** What each list's values look like: short codes, or for holidays calendar dates. */
const itemRules: Record<SettingsList, { pattern: RegExp; message: string; max: number; min: number }> = {
  sources: { pattern: /^[a-z][a-z0-9_]{1,49}$/, message: 'use a short code such as trade_fair', max: 100, min: 1 },
  priorities: { pattern: /^[a-z][a-z0-9_]{1,49}$/, message: 'use a short code such as urgent', max: 100, min: 1 },
  'loss-reasons': { pattern: /^[a-z][a-z0-9_]{1,49}$/, message: 'use a short code such as price', max: 100, min: 1 },
  tags: {
    pattern: /^[a-z0-9][a-z0-9_-]{0,49}$/,
    message: 'use a short lower-case tag such as vip or trade-fair',
    max: 200,
    min: 0,
  },
  holidays: { pattern: /^\d{4}-\d{2}-\d{2}$/, message: 'use YYYY-MM-DD', max: 1000, min: 0 },
  'ticket-types': { pattern: /^[a-z][a-z0-9_]{1,49}$/, message: 'use a short code such as warranty', max: 100, min: 1 },
  // words people read, as the seed names them: letters (umlauts too), digits, spaces and . & / -
  origins: {
    pattern: /^[\p{L}\p{N}][\p{L}\p{N} .&/-]{0,49}$/u,
    message: 'use a name of up to 50 letters, digits, spaces or . & / -',
    max: 100,
    min: 1,
  },
};

const isCalendarDate = (value: string): boolean => {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
};

/** A replacement list for `list`: every bad value named (`items.3`), duplicates refused; 400 otherwise. */
export const checkSettingsItems = (list: SettingsList, items: readonly string[]): string[] => {
  const rule = itemRules[list];
  const errors: FieldError[] = [];
  if (items.length < rule.min) errors.push({ field: 'items', message: 'keep at least one value' });
  if (items.length > rule.max) errors.push({ field: 'items', message: `at most ${rule.max} values` });
  items.forEach((item, index) => {
    if (!rule.pattern.test(item) || (list === 'holidays' && !isCalendarDate(item))) {
      errors.push({
        field: `items.${index}`,
        message: list === 'holidays' ? 'not a calendar date (YYYY-MM-DD)' : rule.message,
      });
    }
  });
  if (new Set(items).size !== items.length) errors.push({ field: 'items', message: 'values must be unique' });
  if (errors.length > 0) throw validationError(errors);
  return list === 'holidays' ? [...items].sort() : [...items];
};

/** 422 naming the field when a value is not on its list. */
export const requireListed = (field: string, value: string, list: readonly string[]): void => {
  if (!list.includes(value)) throw unprocessable(field, `"${value}" is not one of ${list.join(', ')}`);
};
