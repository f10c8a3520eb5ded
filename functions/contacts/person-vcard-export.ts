/**
 * `GET /v1/persons/{id}/vcard`: the person as a vCard file, 3.0 by default (what Outlook reads) or
 * `?version=4.0`, with their company and department in ORG, and for the company's main contact
 * without an address of their own the company's address (seed 003: the main contact carries it).
 */
import type * as z from 'zod/mini';
import { departmentOf } from '../../domain/companies/company.ts';
import { personVCard } from '../../domain/vcards/person-vcard.ts';
import { formatVCard } from '../../domain/vcards/vcard-writer.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { CompanyRepository } from './company.repository.ts';
import type { PersonVCardQuery, RecordIdPath } from './contacts-input.ts';
import type { PersonRepository } from './person.repository.ts';
import { type Collection, loadActive, MergedInto, redirectAnswer } from './record-access.ts';

export type VCardExportDeps = {
  persons: Pick<PersonRepository, 'load'>;
  companies: Pick<CompanyRepository, 'load'>;
};

const persons: Collection = { what: 'person', basePath: '/v1/persons' };

/** A file name any client takes: the name's letters folded to ASCII, the UTF-8 name beside it. */
const disposition = (name: string): string => {
  const ascii = name
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/["\\/:*?<>|]/g, '')
    .trim();
  return `attachment; filename="${ascii || 'kontakt'}.vcf"; filename*=UTF-8''${encodeURIComponent(`${name}.vcf`)}`;
};

export const getPersonVCard =
  (deps: VCardExportDeps) =>
  async (
    request: HttpRequest<undefined, z.infer<typeof RecordIdPath>, z.infer<typeof PersonVCardQuery>>,
  ): Promise<HttpResult> => {
    const person = await loadActive(deps.persons, persons, request.path.id, request.event.rawPath);
    if (person instanceof MergedInto) return redirectAnswer(person, request.event.rawPath);
    const loaded = person.companyId ? await deps.companies.load(person.companyId) : null;
    const company = loaded?.state === 'active' ? loaded.record : null;
    const isMainContact = company?.mainContactId === person.id;
    const address = person.address ?? (isMainContact ? company?.address : undefined);
    const version = request.query.version ?? '3.0';
    const card = formatVCard(
      version,
      personVCard(
        {
          salutation: person.salutation,
          title: person.title,
          firstName: person.firstName,
          lastName: person.lastName,
          emails: person.emails,
          phones: person.phones,
          address,
          birthday: person.birthday,
          position: person.position,
          department: (company && departmentOf(company, person.departmentId)?.name) ?? person.department,
          origin: person.origin,
          companyName: company?.name,
          updatedAt: person.updatedAt,
          uid: `urn:kontakt:person:${person.id}`,
        },
        version,
      ),
    );
    return {
      status: 200,
      rawBody: card,
      headers: {
        'content-type': `text/vcard; charset=utf-8`,
        'content-disposition': disposition([person.firstName, person.lastName].filter(Boolean).join(' ')),
      },
    };
  };
