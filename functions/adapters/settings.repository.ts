/** Settings lists; a list nobody has configured yet is its default. */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { type SettingsList, settingsDefaults } from '../../domain/settings/settings.ts';
import { entityTags, settingsKey } from '../shared/table.ts';
import { parseStored } from '../shared/validation.ts';

const Stored = z.object({ items: z.array(z.string()) });

export const createSettingsRepository = (doc: DynamoDBDocumentClient, tableName: string) => ({
  async get(list: SettingsList): Promise<string[]> {
    const res = await doc.send(new GetCommand({ TableName: tableName, Key: settingsKey(list) }));
    return res.Item ? parseStored(Stored, res.Item, `settings ${list}`).items : [...settingsDefaults[list]];
  },

  async put(list: SettingsList, items: string[]): Promise<void> {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...settingsKey(list), ...entityTags('settings', 1), list, items },
      }),
    );
  },
});

export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
