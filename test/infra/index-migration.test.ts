// The move from the first indexes (every attribute projected) to the lean ones, deploy by deploy: each
// step changes at most one GSI (CloudFormation's limit per update), the functions read the lean
// indexes only once all four exist, and the last step leaves what a new stack has.
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexNames, tableDefinition } from '../../functions/shared/table.ts';
import { indexLayout, indexMigrationSteps } from '../../infra/cdk/kontakt-table.ts';
import { buildTestApp } from './synth-kontakt.ts';

type Gsi = { IndexName: string; Projection: { ProjectionType: string; NonKeyAttributes?: string[] } };

const synth = (step?: number) => {
  const template = Template.fromStack(
    buildTestApp(step === undefined ? {} : { 'kontakt:indexMigrationStep': String(step) }, { nag: false }).stack,
  );
  const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
  const gsis = (table?.Properties?.GlobalSecondaryIndexes ?? []) as Gsi[];
  const environments = Object.values(template.findResources('AWS::Lambda::Function')).map(
    (fn) => (fn.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>,
  );
  const withTable = environments.filter((env) => env.TABLE_NAME !== undefined);
  return {
    indexes: new Map(gsis.map((gsi) => [gsi.IndexName, JSON.stringify(gsi)])),
    readsLegacy: withTable.filter((env) => env.TABLE_INDEXES === 'legacy').length,
    withTable: withTable.length,
  };
};

const changes = (before: Map<string, string>, after: Map<string, string>): string[] => [
  ...[...before.keys()].filter((name) => !after.has(name)).map((name) => `drops ${name}`),
  ...[...after.keys()].filter((name) => !before.has(name)).map((name) => `adds ${name}`),
  ...[...after.keys()]
    .filter((name) => before.has(name) && before.get(name) !== after.get(name))
    .map((name) => `changes ${name}`),
];

describe('moving a deployed stack to the lean indexes', () => {
  const steps: ReturnType<typeof synth>[] = [];
  let final: ReturnType<typeof synth>;

  beforeAll(() => {
    for (let step = 1; step <= indexMigrationSteps; step += 1) steps.push(synth(step));
    final = synth();
  }, 300_000);

  it('changes at most one index per deploy, from the first indexes to what a new stack has', () => {
    const legacyProjections = (s: ReturnType<typeof synth>) =>
      indexNames.filter((name) => s.indexes.has(name)).map((name) => JSON.parse(s.indexes.get(name) ?? '{}') as Gsi);
    // the first indexes keep every attribute for as long as they exist
    for (const s of steps) for (const gsi of legacyProjections(s)) expect(gsi.Projection.ProjectionType).toBe('ALL');
    const names = (s: ReturnType<typeof synth>) =>
      new Map([...s.indexes.keys()].map((n) => [n, s.indexes.get(n) ?? '']));
    const first = steps[0];
    if (!first) throw new Error('no steps');
    // before step 1 the stack has gsi1…gsi4 (every attribute), as step 1 keeps them
    const before = new Map(indexNames.map((name) => [name, first.indexes.get(name) ?? 'missing']));
    expect(changes(before, names(first))).toEqual([`adds ${tableDefinition.indexes.gsi1.name}`]);
    const perStep = steps.slice(1).map((s, i) => changes(names(steps[i] as ReturnType<typeof synth>), names(s)));
    expect(perStep).toEqual([
      [`adds ${tableDefinition.indexes.gsi2.name}`],
      [`adds ${tableDefinition.indexes.gsi3.name}`],
      [`adds ${tableDefinition.indexes.gsi4.name}`],
      [],
      ['drops gsi1'],
      ['drops gsi2'],
      ['drops gsi3'],
      ['drops gsi4'],
    ]);
    expect(names(steps.at(-1) as ReturnType<typeof synth>)).toEqual(names(final));
  });

  it('reads the first indexes until all four lean ones exist, then only the lean ones', () => {
    expect(steps.map((s) => s.readsLegacy === s.withTable && s.withTable > 0)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(steps.slice(4).every((s) => s.readsLegacy === 0)).toBe(true);
    expect(final.readsLegacy).toBe(0);
  });

  it('refuses a step that is not one of the nine', () => {
    for (const step of [0, 10, 2.5]) expect(() => indexLayout(step)).toThrow(/indexMigrationStep/);
    expect(() => synth(Number.NaN)).toThrow(/indexMigrationStep|number/);
  });
});
