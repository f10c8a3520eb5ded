/** Configurable lists (sources, priorities, …) with the defaults API.md names. */
import { defaultPriorities, defaultSources } from '../inbox/inbox-entry.ts';
import { unprocessable } from '../shared/errors.ts';

export const settingsLists = ['sources', 'priorities'] as const;
export type SettingsList = (typeof settingsLists)[number];

export const settingsDefaults: Record<SettingsList, readonly string[]> = {
  sources: defaultSources,
  priorities: defaultPriorities,
};

/** 422 naming the field when a value is not on its list. */
export const requireListed = (field: string, value: string, list: readonly string[]): void => {
  if (!list.includes(value)) throw unprocessable(field, `"${value}" is not one of ${list.join(', ')}`);
};
