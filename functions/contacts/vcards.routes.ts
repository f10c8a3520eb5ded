/** The contracts of the vCard routes (import, export) and of persons' photos: files in and out of the contacts. */
import * as z from 'zod/mini';
import type { AnyRouteSpec } from '../shared/http.ts';
import {
  CompanyVCardsQuery,
  EmailAttachmentPath,
  EmailVCardImportQuery,
  PersonVCardQuery,
  RecordIdPath,
  VCardImportQuery,
} from './contacts-input.ts';
import { VCardImportResponse } from './contacts-response.ts';

export const vcardRoutes = {
  'GET /v1/persons/{id}/vcard': {
    summary:
      'The person as a vCard file: 3.0 (what Outlook reads) or ?version=4.0, with company and department, and the company’s address for its main contact',
    auth: 'user',
    path: RecordIdPath,
    query: PersonVCardQuery,
    responds: { status: 200, description: 'the vCard', contentType: 'text/vcard' },
  },
  'GET /v1/persons/{id}/photo': {
    summary: 'The person’s stored photo (from a vCard); a photo kept as a link is not served (see photo.url)',
    auth: 'user',
    path: RecordIdPath,
    responds: { status: 200, description: 'the image', contentType: 'image/jpeg' },
  },
  'POST /v1/contacts/vcards': {
    summary:
      'Imports a vCard file (2.1, 3.0, 4.0; any client’s): one result per card — created, duplicate (with candidates; force=true creates anyway) or invalid (naming property and line); dryRun=true stores nothing; 250 cards per request (from, nextFrom); files over 4 MB by uploadId',
    auth: 'user',
    accepts: ['vcard'],
    maxBodyBytes: 4 * 1024 * 1024,
    query: VCardImportQuery,
    responds: { status: 200, description: 'one result per card, in file order', schema: VCardImportResponse },
  },
  'POST /v1/contacts/vcards/uploads': {
    summary:
      'An upload URL for a vCard file over 4 MB (PUT it there within 15 minutes), then POST /v1/contacts/vcards?uploadId=…',
    auth: 'user',
    responds: {
      status: 201,
      description: 'where to upload, and the import request to send then',
      schema: z.object({ uploadId: z.string(), uploadUrl: z.string(), importUrl: z.string() }),
    },
  },
  'POST /v1/emails/{id}/attachments/{index}/vcard-import': {
    summary:
      'Imports the vCard attached to an email (its attachment at index, 0-based), as POST /v1/contacts/vcards does',
    auth: 'user',
    path: EmailAttachmentPath,
    query: EmailVCardImportQuery,
    responds: { status: 200, description: 'one result per card, in file order', schema: VCardImportResponse },
  },
  'GET /v1/companies/{id}/vcards': {
    summary:
      'The company’s people as vCards: one file, or ?split=true a zip of one file per person (Outlook imports a file’s first card only)',
    auth: 'user',
    path: RecordIdPath,
    query: CompanyVCardsQuery,
    responds: { status: 200, description: 'text/vcard, or application/zip with split=true', contentType: 'text/vcard' },
  },
} as const satisfies Record<string, AnyRouteSpec>;
