/**
 * Contacts as files — vCard import (a body, an upload, an email's attachment) and export
 * (a person, a company's people), and persons' photos. A function of its own beside contacts-api:
 * the vCard reader and the S3 client cost bundle bytes and cold-start time that the contact
 * routes every user calls all day should not carry.
 * Wired to their dependencies here; contact-files.handler.ts loads this with the first request.
 */
import * as z from 'zod/mini';
import { tableCandidateFinder } from '../duplicates/find-candidates.ts';
import { createEmailRepository } from '../emails/email.repository.ts';
import { createSettingsRepository } from '../settings/settings.repository.ts';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { mailBucketEnv, readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { sharedPresigningS3Client } from '../shared/s3-client.ts';
import { createStore } from '../shared/store.ts';
import { createCompanyRepository } from './company.repository.ts';
import { type ContactFiles, createContactFiles } from './contact-files.ts';
import { createPersonRepository } from './person.repository.ts';
import { getCompanyVCards, getPersonVCard } from './person-vcard-export.ts';
import { createVCardUpload, getPersonPhoto, importEmailVCard, importVCardFile } from './vcard-import-request.ts';
import { vcardRoutes } from './vcards.routes.ts';

const env = readEnv(z.object({ ...tableEnv, ...mailBucketEnv }));
const doc = sharedDocumentClient();
const contactFiles = createContactFiles(env.MAIL_BUCKET, sharedPresigningS3Client());
const files = (): Promise<ContactFiles> => Promise.resolve(contactFiles);
const deps = {
  persons: createPersonRepository(doc, env.TABLE_NAME),
  companies: createCompanyRepository(doc, env.TABLE_NAME),
  settings: createSettingsRepository(doc, env.TABLE_NAME),
  findCandidates: tableCandidateFinder(doc, env.TABLE_NAME),
  store: createStore(doc, env.TABLE_NAME),
  tableName: env.TABLE_NAME,
  files,
  now: () => new Date(),
};

export const routes = routeTable(vcardRoutes, {
  'GET /v1/persons/{id}/vcard': getPersonVCard(deps),
  'GET /v1/companies/{id}/vcards': getCompanyVCards(deps),
  'GET /v1/persons/{id}/photo': getPersonPhoto(deps),
  'POST /v1/contacts/vcards': importVCardFile(deps),
  'POST /v1/contacts/vcards/uploads': createVCardUpload(deps),
  'POST /v1/emails/{id}/attachments/{index}/vcard-import': importEmailVCard({
    ...deps,
    emails: createEmailRepository(doc, env.TABLE_NAME),
  }),
});
