/** The service desk's settings (service-desk.entity.ts): the defaults until an admin stores a change, versioned. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../../domain/shared/errors.ts';
import { defaultServiceDeskSettings, type ServiceDeskSettings } from '../../domain/tickets/service-desk.ts';
import { createStore } from '../shared/store.ts';
import { serviceDeskSettings } from './service-desk.entity.ts';

export type StoredServiceDesk = ServiceDeskSettings & { version: number; updatedAt: string | null };

export const createServiceDeskRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);
  return {
    async get(options: { consistent?: boolean } = {}): Promise<StoredServiceDesk> {
      const stored = await store.get(serviceDeskSettings, serviceDeskSettings.key(), options);
      return stored ?? { ...defaultServiceDeskSettings, version: 0, updatedAt: null };
    },

    /** Replaces the settings if nobody changed them since `version` (0: never stored); stale is 409. */
    async put(settings: ServiceDeskSettings, version: number, now: Date): Promise<StoredServiceDesk> {
      const next = { ...settings, version: version + 1, updatedAt: now.toISOString() };
      try {
        await store.put(
          serviceDeskSettings,
          next,
          version === 0
            ? { expression: 'attribute_not_exists(pk)' }
            : { expression: 'version = :expected', values: { ':expected': version } },
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw conflict('stale-version', `the service desk settings changed since version ${version}`);
        }
        throw error;
      }
      return next;
    },
  };
};

export type ServiceDeskRepository = ReturnType<typeof createServiceDeskRepository>;
