// A company's people by department as supervisor trees, and its departments as a list persons reference.
import { describe, expect, it } from 'vitest';
import {
  absorbCompany,
  type Company,
  createCompany,
  departmentOf,
  ensureDepartment,
  withDepartments,
} from '../../../domain/companies/company.ts';
import { peopleByDepartment, supervisorForest, type TreeNode } from '../../../domain/companies/org-chart.ts';
import { refusedField } from '../../support/field-errors.ts';

const now = new Date('2026-06-01T08:00:00.000Z');
const company = (id: string, departments: Company['departments']): Company => ({
  ...createCompany(id, { name: `Firma ${id}`, type: 'company', relationship: 'prospect', emails: [], phones: [] }, now),
  departments,
});
const ids = <T extends { id: string }>(nodes: TreeNode<T>[]): unknown[] =>
  nodes.map((n) => (n.children.length ? { [n.record.id]: ids(n.children) } : n.record.id));

describe('supervisor trees', () => {
  it('puts each person under their supervisor, and heads a tree with whoever reports to nobody here', () => {
    const forest = supervisorForest([
      { id: 'ceo' },
      { id: 'cto', supervisorId: 'ceo' },
      { id: 'dev', supervisorId: 'cto' },
      { id: 'ops', supervisorId: 'cto' },
      { id: 'guest', supervisorId: 'elsewhere' },
    ]);
    expect(ids(forest)).toEqual([{ ceo: [{ cto: ['dev', 'ops'] }] }, 'guest']);
  });

  it('shows everyone once even when supervisors point at each other', () => {
    const forest = supervisorForest([
      { id: 'a', supervisorId: 'b' },
      { id: 'b', supervisorId: 'a' },
      { id: 'c', supervisorId: 'c' },
    ]);
    const seen = JSON.stringify(ids(forest));
    for (const id of ['a', 'b', 'c']) expect(seen.split(`"${id}"`).length - 1).toBe(1);
  });

  it('groups by department in the company’s order, the people without one last, a supervisor elsewhere heading nothing', () => {
    const firm = company('C1', [
      { id: 'd-ein', name: 'Einkauf' },
      { id: 'd-ver', name: 'Vertrieb', aliases: ['d-old'] },
      { id: 'd-leer', name: 'Leer' },
    ]);
    const trees = peopleByDepartment(firm, [
      { id: 'boss', departmentId: 'd-ver' },
      { id: 'seller', departmentId: 'd-old', supervisorId: 'boss' },
      { id: 'buyer', departmentId: 'd-ein', supervisorId: 'boss' },
      { id: 'loner' },
      { id: 'stale', departmentId: 'd-gone' },
    ]);
    expect(trees.map((t) => [t.department?.name ?? null, ids(t.people)])).toEqual([
      ['Einkauf', ['buyer']],
      ['Vertrieb', [{ boss: ['seller'] }]],
      ['Leer', []],
      [null, ['loner', 'stale']],
    ]);
  });
});

describe('departments', () => {
  let next = 0;
  const newId = () => {
    next += 1;
    return `new-${next}`;
  };

  it('renames by id, adds without one, and refuses a name twice or an unknown id, naming the entry', () => {
    const firm = company('C1', [{ id: 'd1', name: 'Einkauf' }]);
    const renamed = withDepartments(firm, [{ id: 'd1', name: 'Beschaffung' }, { name: 'Technik' }], newId);
    expect(renamed.departments).toEqual([
      { id: 'd1', name: 'Beschaffung' },
      { id: expect.stringMatching(/^new-/), name: 'Technik' },
    ]);
    expect(refusedField(() => withDepartments(firm, [{ name: 'Vertrieb' }, { name: 'VERTRIEB' }], newId))).toBe(
      'departments.1.name',
    );
    expect(refusedField(() => withDepartments(firm, [{ id: 'nope', name: 'X' }], newId))).toBe('departments.0.id');
  });

  it('finds a department by its name with case and umlauts folded, and adds it when the company has none', () => {
    const firm = company('C1', [{ id: 'd1', name: 'Geschäftsführung' }]);
    expect(ensureDepartment(firm, 'GESCHAEFTSFUEHRUNG', newId)).toEqual({ company: firm, departmentId: 'd1' });
    const added = ensureDepartment(firm, ' Lager ', newId);
    expect(added.company.departments?.at(-1)).toEqual({ id: added.departmentId, name: 'Lager' });
  });

  it('keeps both companies’ departments in a merge; a same-named one answers to both ids', () => {
    const survivor = company('C1', [{ id: 's-ver', name: 'Vertrieb' }]);
    const duplicate = company('C2', [
      { id: 'd-ver', name: 'vertrieb' },
      { id: 'd-lag', name: 'Lager' },
    ]);
    const merged = absorbCompany(survivor, duplicate, now);
    expect(merged.departments).toEqual([
      { id: 's-ver', name: 'Vertrieb', aliases: ['d-ver'] },
      { id: 'd-lag', name: 'Lager' },
    ]);
    expect(departmentOf(merged, 'd-ver')?.id).toBe('s-ver');
  });
});
