/**
 * The check a new link to a person or a company needs, without the contacts' repositories (their
 * duplicate protection and phone metadata): one read of the record's item. Nouns that only link to
 * contacts (tickets) use it and keep their bundles small; the link's `ConditionCheck` in the
 * linking record's transaction (references.ts) still guards the race with a merge.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unprocessable } from '../../domain/shared/errors.ts';
import { createStore } from '../shared/store.ts';
import { mergingInto } from './merge-state.entity.ts';
import { recordKey } from './reference.entity.ts';

export type LinkTargetKind = 'PERSON' | 'COMPANY';

export const createLinkTargets = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);
  return {
    /**
     * 422 naming the field unless the record exists and is neither merged nor being merged away; for
     * a person, the company they work at (null: none), for a company, its id.
     */
    async require(field: string, kind: LinkTargetKind, id: string): Promise<{ companyId: string | null }> {
      const what = kind === 'COMPANY' ? 'company' : 'person';
      const item = await store.getItem(recordKey({ kind, id }));
      if (!item) throw unprocessable(field, `no ${what} ${id}`);
      if (typeof item.mergedInto === 'string') {
        throw unprocessable(field, `${what} ${id} was merged into ${item.mergedInto}; link that one`);
      }
      const into = mergingInto(item);
      if (into) throw unprocessable(field, `${what} ${id} is being merged into ${into}`);
      if (kind === 'COMPANY') return { companyId: id };
      return { companyId: typeof item.companyId === 'string' ? item.companyId : null };
    },

    /**
     * The company a record happened at that names a person but no company: the person's company
     * (null: none, or no person). Activities, tickets and opportunities record it, so the company's
     * timeline shows what its people did, and it stays there when they move on.
     */
    async companyAt(link: { companyId?: string | null | undefined; personId?: string | null | undefined }) {
      if (link.companyId) return link.companyId;
      if (!link.personId) return null;
      return (await this.require('personId', 'PERSON', link.personId)).companyId;
    },
  };
};

export type LinkTargets = ReturnType<typeof createLinkTargets>;
