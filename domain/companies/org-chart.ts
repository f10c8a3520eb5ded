/**
 * A company's structure as trees: its people by department, each department a supervisor hierarchy
 * (seed 003: Abteilungen, Vorgesetzte), and its holding structure (branches and subsidiaries).
 */
import type { Company, Department } from './company.ts';
import { departmentOf } from './company.ts';

export type TreeNode<T> = { record: T; children: TreeNode<T>[] };

type Member = { id: string; supervisorId?: string | undefined; departmentId?: string | undefined };

/**
 * The supervisor trees of `members`: a member is under their supervisor when that supervisor is
 * among them, else a root. Each member appears once (a chain that loops is cut where it repeats);
 * roots and children keep the order given.
 */
export const supervisorForest = <T extends Member>(members: readonly T[]): TreeNode<T>[] => {
  const byId = new Map(members.map((m) => [m.id, m]));
  const childrenOf = new Map<string, T[]>();
  const roots: T[] = [];
  for (const member of members) {
    const supervisor = member.supervisorId;
    if (supervisor !== undefined && supervisor !== member.id && byId.has(supervisor)) {
      childrenOf.set(supervisor, [...(childrenOf.get(supervisor) ?? []), member]);
    } else roots.push(member);
  }
  const placed = new Set<string>();
  const grow = (member: T): TreeNode<T> => {
    placed.add(member.id);
    const children = (childrenOf.get(member.id) ?? []).filter((c) => !placed.has(c.id)).map(grow);
    return { record: member, children };
  };
  const forest = roots.map(grow);
  // members whose supervisors only point at each other (a loop no root reaches) become roots too
  for (const member of members) if (!placed.has(member.id)) forest.push(grow(member));
  return forest;
};

export type DepartmentTree<T> = { department: Department | null; people: TreeNode<T>[] };

/**
 * The company's people by department, in the company's order of departments (the people without
 * one last), each department a supervisor forest of its own members: someone whose supervisor works
 * in another department heads a tree in their own. Departments nobody is in are listed empty.
 */
export const peopleByDepartment = <T extends Member>(
  company: Pick<Company, 'departments'>,
  members: readonly T[],
): DepartmentTree<T>[] => {
  const groups = new Map<string | null, T[]>();
  for (const department of company.departments ?? []) groups.set(department.id, []);
  for (const member of members) {
    const id = departmentOf(company, member.departmentId)?.id ?? null;
    groups.set(id, [...(groups.get(id) ?? []), member]);
  }
  const trees: DepartmentTree<T>[] = (company.departments ?? []).map((department) => ({
    department,
    people: supervisorForest(groups.get(department.id) ?? []),
  }));
  const without = groups.get(null) ?? [];
  return without.length > 0 ? [...trees, { department: null, people: supervisorForest(without) }] : trees;
};
