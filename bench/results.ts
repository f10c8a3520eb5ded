/** The record of one benchmark run: its figures plus what a reader needs to compare runs (date, Node, commit). */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';

export type Figure = { figure: string } & Record<string, unknown>;

export type RunRecord = {
  date: string;
  node: string;
  platform: string;
  cpus: number;
  commit: string | null;
  /** uncommitted changes: the figures then belong to no commit exactly */
  dirty: boolean | null;
  durationMs: number;
  figures: Figure[];
};

const git = (repoRoot: string, args: string[]): string | null => {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

export const describeRun = (repoRoot: string, started: Date, figures: Figure[]): RunRecord => {
  const status = git(repoRoot, ['status', '--porcelain']);
  return {
    date: started.toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
    commit: git(repoRoot, ['rev-parse', 'HEAD']),
    dirty: status === null ? null : status.length > 0,
    durationMs: Math.round(Date.now() - started.getTime()),
    figures,
  };
};

/** ISO timestamp with `-` for `:`, which some file systems refuse. */
export const writeRun = async (repoRoot: string, run: RunRecord): Promise<string> => {
  const dir = join(repoRoot, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${run.date.replaceAll(':', '-')}.json`);
  await writeFile(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
};
