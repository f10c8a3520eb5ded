// cdk-nag's AwsSolutions pack must find nothing that is not acknowledged with a reason in infra/cdk.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildTestApp } from './synth-kontakt.ts';

/** The policy validation report CDK writes into the cloud assembly; cdk-nag 3 reports through it. */
const ValidationReport = z.object({
  pluginReports: z.array(
    z.object({
      pluginName: z.string(),
      violations: z.array(
        z.object({
          ruleName: z.string(),
          description: z.string(),
          severity: z.string(),
          violatingConstructs: z.array(z.object({ constructPath: z.string().optional() })).default([]),
        }),
      ),
    }),
  ),
});

const reportFile = 'validation-report.json';

let findings: string[];

beforeAll(() => {
  const { app } = buildTestApp();
  let synthError: unknown;
  try {
    app.synth();
  } catch (error) {
    // Under test, a failed validation throws after writing the report; the report lists every finding.
    synthError = error;
  }
  const path = join(app.outdir, reportFile);
  if (!existsSync(path)) throw synthError ?? new Error(`synth wrote no ${reportFile}`);
  const report = ValidationReport.parse(JSON.parse(readFileSync(path, 'utf8')));
  findings = report.pluginReports
    .filter((plugin) => plugin.pluginName === 'AwsSolutions')
    .flatMap((plugin) => plugin.violations)
    .flatMap((v) =>
      v.violatingConstructs.map((c) => `${v.severity} ${v.ruleName} at ${c.constructPath ?? '?'}: ${v.description}`),
    );
  if (findings.length === 0 && synthError) throw synthError;
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged errors or warnings', () => {
    expect(findings).toEqual([]);
  });
});
