/**
 * The Facebook worker: fetches an announced lead from the Graph API with its page's token and
 * stores it in the inbox once per leadgen id. Every failure throws, so the queue retries the lead
 * and, in the end, keeps it in the dead-letter queue: a paid lead is never dropped.
 */
import type { FacebookLeadReceivedV1 } from '../../events/facebook-lead-received.v1.ts';
import { type IntakeDeps, storeLead } from '../inbox/intake.ts';
import { logger } from '../shared/logger.ts';
import type { RecordContext } from '../shared/sqs.ts';
import type { LoadFacebookConfig } from './facebook-config.ts';
import { facebookLeads } from './facebook-lead.entity.ts';
import type { FacebookLeadRepository } from './facebook-lead.repository.ts';
import { mapFieldData } from './facebook-lead-fields.ts';
import type { GraphClient } from './graph-client.ts';

export type FetchFacebookLeadDeps = IntakeDeps & {
  config: LoadFacebookConfig;
  graph: Pick<GraphClient, 'fetchLead'>;
  leads: Pick<FacebookLeadRepository, 'isStored'>;
};

export class MissingPageTokenError extends Error {
  override readonly name = 'MissingPageTokenError';
}

export const fetchFacebookLead =
  (deps: FetchFacebookLeadDeps) =>
  async (event: FacebookLeadReceivedV1, context?: RecordContext): Promise<void> => {
    const { leadgenId, pageId } = event;
    // Checked before the Graph call: Meta redelivers for 36 hours and each fetch counts against its rate limit.
    if (await deps.leads.isStored(leadgenId)) {
      logger.info('facebook lead stored already', { leadgenId });
      return;
    }
    let config = await deps.config();
    if (config.pages[pageId] === undefined) {
      // the page may have been added to the configuration since this container read it
      config = await deps.config({ refresh: true });
    }
    const token = config.pages[pageId];
    if (token === undefined) {
      throw new MissingPageTokenError(
        `no access token configured for page ${pageId}; lead ${leadgenId} stays queued (receive ${context?.receiveCount ?? 1})`,
      );
    }
    const lead = await deps.graph.fetchLead(leadgenId, token, config.appSecret);
    const mapped = mapFieldData(lead.field_data);
    if (mapped.invalidFields.length > 0) {
      logger.warn('facebook lead has invalid contact values; kept in raw and message only', {
        leadgenId,
        fields: mapped.invalidFields,
      });
    }
    const createdTime =
      lead.created_time ?? (event.createdTime === undefined ? null : new Date(event.createdTime * 1000).toISOString());
    const result = await storeLead(
      deps,
      {
        source: 'facebook',
        priority: 'normal',
        responsibleUserId: null,
        contact: mapped.contact,
        ...(mapped.message === undefined ? {} : { message: mapped.message }),
        raw: {
          leadgenId,
          pageId,
          formId: lead.form_id ?? event.formId ?? null,
          adId: lead.ad_id ?? event.adId ?? null,
          createdTime,
          fieldData: lead.field_data,
          ...(mapped.invalidFields.length > 0 ? { invalidFields: mapped.invalidFields } : {}),
        },
        createdBy: null,
      },
      { key: facebookLeads.key(leadgenId), entity: facebookLeads.name },
    );
    logger.info('facebook lead handled', {
      leadgenId,
      status: result.status,
      inboxEntryId: result.status === 'created' ? result.entry.id : result.id,
    });
  };
