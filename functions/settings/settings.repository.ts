/** Settings lists (functions/settings/settings-list.entity.ts); a list nobody has configured yet is its default. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type SettingsList, settingsDefaults } from '../../domain/settings/settings.ts';
import { createStore } from '../shared/store.ts';
import { settingsLists } from './settings-list.entity.ts';

export const createSettingsRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);
  return {
    async get(list: SettingsList): Promise<string[]> {
      const stored = await store.get(settingsLists, settingsLists.key(list));
      return stored ? stored.items : [...settingsDefaults[list]];
    },

    async put(list: SettingsList, items: string[]): Promise<void> {
      await store.put(settingsLists, { list, items });
    },
  };
};

export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
