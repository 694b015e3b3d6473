/** Runs dbt from the project's dbt/ folder with the repository's profiles.yml. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
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
  /**
   * false: dbt writes no manifest.json / run_results.json (`--no-write-json`: serialising them costs a few
   * seconds a run) and the counts come from dbt's closing "Done. PASS=... WARN=..." line. Default true.
   */
  artifacts?: boolean;
  log?: (message: string) => void;
}

export interface DbtResult {
  ok: boolean;
  exitCode: number;
  output: string;
  /** Per-node outcome from target/run_results.json, when dbt wrote one. */
  counts: Record<string, number>;
  /** Tests configured to warn that found rows: data to look at, though the build succeeded. */
  warnings: DbtWarning[];
}

export interface DbtWarning {
  test: string;
  rows: number;
}

export async function runDbt(args: string[], options: DbtRunOptions): Promise<DbtResult> {
  const dbt = await ensureDbt(options.log);
  const artifacts = options.artifacts ?? true;
  const fullArgs = [
    ...args,
    ...(artifacts ? [] : ['--no-write-json']),
    '--project-dir',
    DBT_PROJECT_DIR,
    '--profiles-dir',
    projectPath('.'),
    '--target',
    options.target,
  ];
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
  const output = result.all ?? '';
  const counts = artifacts ? await readCounts() : countsFromSummary(output);
  return { ok: result.exitCode === 0, exitCode: result.exitCode ?? 1, output, counts, warnings: warningsFrom(output) };
}

/** dbt's closing line, "Done. PASS=264 WARN=12 ERROR=0 SKIP=0 NO-OP=0 TOTAL=276", as counts (zeros left out). */
export function countsFromSummary(output: string): Record<string, number> {
  const line = /Done\. (PASS=\d+.*)$/m.exec(stripVTControlCharacters(output))?.[1];
  if (!line) return {};
  const names: Record<string, string> = {
    PASS: 'pass',
    WARN: 'warn',
    ERROR: 'error',
    SKIP: 'skipped',
    'NO-OP': 'no-op',
  };
  const counts: Record<string, number> = {};
  for (const [, key, value] of line.matchAll(/([A-Z-]+)=(\d+)/g)) {
    const name = names[key!];
    if (name && Number(value) > 0) counts[name] = Number(value);
  }
  return counts;
}

/** dbt's "Warning in test <name> (<file>)" followed by "Got <n> results, configured to warn if != 0". */
export function warningsFrom(output: string): DbtWarning[] {
  const text = stripVTControlCharacters(output);
  return [...text.matchAll(/Warning in test (\S+) \([^)]*\)\s*\n(?:.*?\s)?Got (\d+) results?/g)].map(
    ([, test, rows]) => ({
      test: test!,
      rows: Number(rows),
    }),
  );
}

async function readCounts(): Promise<Record<string, number>> {
  const text = await readFile(path.join(DBT_PROJECT_DIR, 'target', 'run_results.json'), 'utf8').catch(() => '');
  if (!text) return {};
  const results = (JSON.parse(text) as { results: { status: string }[] }).results;
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}
