/** Every HTTP route's contract in one registry, so the OpenAPI description covers all of them. */
import { activitiesRoutes } from '../activities/activities.routes.ts';
import { agencyAdminRoutes, agencyLeadRoutes } from '../agencies/agencies.routes.ts';
import { contactsRoutes } from '../contacts/contacts.routes.ts';
import { emailsRoutes } from '../emails/emails.routes.ts';
import { facebookRoutes } from '../facebook/facebook.routes.ts';
import { importsRoutes } from '../imports/imports.routes.ts';
import { inboxRoutes } from '../inbox/inbox.routes.ts';
import { conversionRoutes } from '../opportunities/conversion.routes.ts';
import { opportunitiesRoutes } from '../opportunities/opportunities.routes.ts';
import { pipelinesRoutes } from '../pipelines/pipelines.routes.ts';
import { settingsRoutes } from '../settings/settings.routes.ts';
import type { AnyRouteSpec } from '../shared/http.ts';
import { usersRoutes } from '../users/users.routes.ts';
import { webformAdminRoutes, webformPublicRoutes } from '../webforms/webforms.routes.ts';
import { openapiRoutes } from './openapi.routes.ts';

export const apiRoutes: Record<string, AnyRouteSpec> = {
  ...webformPublicRoutes,
  ...webformAdminRoutes,
  ...inboxRoutes,
  ...contactsRoutes,
  ...usersRoutes,
  ...emailsRoutes,
  ...agencyAdminRoutes,
  ...agencyLeadRoutes,
  ...facebookRoutes,
  ...importsRoutes,
  ...settingsRoutes,
  ...opportunitiesRoutes,
  ...conversionRoutes,
  ...pipelinesRoutes,
  ...activitiesRoutes,
  ...openapiRoutes,
};
