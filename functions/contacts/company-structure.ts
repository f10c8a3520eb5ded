/**
 * A company's people and branches: as pages (`GET /v1/companies/{id}/persons`, `/branches`), or with
 * `view=tree` as the supervisor hierarchy by department and as the holding structure below it.
 */
import type * as z from 'zod/mini';
import type { Company } from '../../domain/companies/company.ts';
import { peopleByDepartment, type TreeNode } from '../../domain/companies/org-chart.ts';
import type { Person } from '../../domain/persons/person.ts';
import { defaultLimit } from '../shared/cursor.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { CompanyRepository } from './company.repository.ts';
import { companyViews, personViews } from './contact-views.ts';
import type { CompanyStructureQuery, RecordIdPath } from './contacts-input.ts';
import type { toCompanyResponse, toPersonResponse } from './contacts-response.ts';
import { maxPersonsPerCompany, type PersonRepository } from './person.repository.ts';
import { type Collection, loadActive, MergedInto, redirectAnswer } from './record-access.ts';
import { maxChainDepth } from './record-chain.ts';

export type StructureDeps = {
  companies: Pick<CompanyRepository, 'load' | 'getMany' | 'list' | 'listAll' | 'patterns'>;
  persons: Pick<PersonRepository, 'getMany' | 'list' | 'patterns' | 'inCompany'>;
};

type Path = z.infer<typeof RecordIdPath>;
type Query = z.infer<typeof CompanyStructureQuery>;
const companies: Collection = { what: 'company', basePath: '/v1/companies' };

/** At most this many companies in one holding tree; a larger one answers `truncated: true`. */
export const maxBranchesInTree = 500;

type PersonAnswer = ReturnType<typeof toPersonResponse>;
type CompanyAnswer = ReturnType<typeof toCompanyResponse>;
type PersonNode = { person: PersonAnswer; reports: PersonNode[] };
type BranchNode = { company: CompanyAnswer; branches: BranchNode[] };

export const listCompanyPersons =
  (deps: StructureDeps) =>
  async (request: HttpRequest<undefined, Path, Query>): Promise<HttpResult> => {
    const company = await loadActive(deps.companies, companies, request.path.id, request.event.rawPath);
    if (company instanceof MergedInto) return redirectAnswer(company, request.event.rawPath);
    const { view, cursor } = request.query;
    if (view !== 'tree') {
      const page = await deps.persons.list(deps.persons.patterns.byCompany(company.id), {
        limit: request.query.limit ?? defaultLimit,
        cursor,
      });
      const items = await personViews(deps, page.items, [company]);
      return { status: 200, body: { items, nextCursor: page.nextCursor } };
    }
    // by name already: the company's person list is ordered by folded last and first name
    const members = await deps.persons.inCompany(company.id);
    const answers = new Map((await personViews(deps, members, [company])).map((p) => [p.id, p]));
    const toNode = (node: TreeNode<Person>): PersonNode => ({
      person: answers.get(node.record.id) as PersonAnswer,
      reports: node.children.map(toNode),
    });
    return {
      status: 200,
      body: {
        companyId: company.id,
        departments: peopleByDepartment(company, members).map(({ department, people }) => ({
          id: department?.id ?? null,
          name: department?.name ?? null,
          people: people.map(toNode),
        })),
        truncated: members.length >= maxPersonsPerCompany,
      },
    };
  };

/** Every company directly below `parentId` (checked to still be there: the list index is eventually consistent). */
const branchesOf = (deps: StructureDeps, parentId: string): Promise<Company[]> =>
  deps.companies.listAll(deps.companies.patterns.byParent(parentId), {
    keep: (c) => c.parentCompanyId === parentId,
    max: maxBranchesInTree,
  });

export const listCompanyBranches =
  (deps: StructureDeps) =>
  async (request: HttpRequest<undefined, Path, Query>): Promise<HttpResult> => {
    const root = await loadActive(deps.companies, companies, request.path.id, request.event.rawPath);
    if (root instanceof MergedInto) return redirectAnswer(root, request.event.rawPath);
    const { view, cursor } = request.query;
    if (view !== 'tree') {
      const page = await deps.companies.list(deps.companies.patterns.byParent(root.id), {
        limit: request.query.limit ?? defaultLimit,
        cursor,
      });
      return { status: 200, body: { items: await companyViews(deps, page.items), nextCursor: page.nextCursor } };
    }
    // level by level, each level's lists read in parallel; a company is placed once
    const childrenOf = new Map<string, Company[]>();
    const placed = new Set([root.id]);
    let level: Company[] = [root];
    let truncated = false;
    for (let depth = 0; level.length > 0; depth += 1) {
      if (depth >= maxChainDepth) {
        truncated = true;
        break;
      }
      const below = await Promise.all(level.map((c) => branchesOf(deps, c.id)));
      const next: Company[] = [];
      level.forEach((parent, i) => {
        const fresh = (below[i] ?? []).filter((c) => !placed.has(c.id));
        const room = maxBranchesInTree - placed.size;
        if (fresh.length > room) truncated = true;
        const kept = fresh.slice(0, Math.max(0, room));
        for (const c of kept) placed.add(c.id);
        childrenOf.set(parent.id, kept);
        next.push(...kept);
      });
      level = next;
    }
    const all = [root, ...[...childrenOf.values()].flat()];
    const answers = new Map((await companyViews(deps, all)).map((c) => [c.id, c]));
    const toNode = (company: Company): BranchNode => ({
      company: answers.get(company.id) as CompanyAnswer,
      branches: (childrenOf.get(company.id) ?? []).map(toNode),
    });
    return { status: 200, body: { ...toNode(root), truncated } };
  };
