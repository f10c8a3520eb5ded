/**
 * Lambda: Contacts as files — vCard import (a body, an upload, an email's attachment) and export
 * (a person, a company's people), and persons' photos. A function of its own beside contacts-api:
 * the vCard reader and the S3 client cost bundle bytes and cold-start time that the contact
 * routes every user calls all day should not carry.
 * The routes' code loads with the first request (functions/shared/lazy-routes.ts).
 */
import { httpRouter } from '../shared/aws-http.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { lazyRoutes, routeGroup, tableUserDirectory } from '../shared/lazy-routes.ts';
import { sharedPresigningS3Client } from '../shared/s3-client.ts';
import type { vcardRoutes } from './vcards.routes.ts';

sharedDocumentClient();
sharedPresigningS3Client();
const routes = routeGroup(() => import('./contact-files.wiring.ts'));

export const handler = httpRouter(
  lazyRoutes<typeof vcardRoutes>({
    'GET /v1/persons/{id}/vcard': routes,
    'GET /v1/persons/{id}/photo': routes,
    'POST /v1/contacts/vcards': routes,
    'POST /v1/contacts/vcards/uploads': routes,
    'POST /v1/emails/{id}/attachments/{index}/vcard-import': routes,
    'GET /v1/companies/{id}/vcards': routes,
  }),
  tableUserDirectory,
);
