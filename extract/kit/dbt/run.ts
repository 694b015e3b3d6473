/** Runs dbt from the project's dbt/ folder with the repository's profiles.yml. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { projectPath } from '../paths.js';
import { ensureDbt } from './install.js';

export const DBT_PROJECT_DIR = projectPath('dbt');

export interface DbtRunOptions {
  target: string;
  env: Record<string, string>;
  vars?: Record<string, unknown>;
  /** Stream dbt's own output to ours (a person watching) or capture it (summaries, tests). */
  inherit?: boolean;
  log?: (message: string) => void;
}

export interface DbtResult {
  ok: boolean;
  exitCode: number;
  output: string;
  /** Per-node outcome from target/run_results.json, when dbt wrote one. */
  counts: Record<string, number>;
}

export async function runDbt(args: string[], options: DbtRunOptions): Promise<DbtResult> {
  const dbt = await ensureDbt(options.log);
  const fullArgs = [...args, '--project-dir', DBT_PROJECT_DIR, '--profiles-dir', projectPath('.'), '--target', options.target];
  if (options.vars) fullArgs.push('--vars', JSON.stringify(options.vars));
  const child = execa(dbt, fullArgs, {
    cwd: DBT_PROJECT_DIR,
    env: { ...options.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' },
    reject: false,
    all: true,
    stdout: options.inherit ? ['pipe', 'inherit'] : 'pipe',
    stderr: options.inherit ? ['pipe', 'inherit'] : 'pipe',
  });
  const result = await child;
  return { ok: result.exitCode === 0, exitCode: result.exitCode ?? 1, output: result.all ?? '', counts: await readCounts() };
}

async function readCounts(): Promise<Record<string, number>> {
  const text = await readFile(path.join(DBT_PROJECT_DIR, 'target', 'run_results.json'), 'utf8').catch(() => '');
  if (!text) return {};
  const results = (JSON.parse(text) as { results: { status: string }[] }).results;
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}
