/**
 * npm run lint: ESLint (eslint.config.js), Prettier's check (.prettierrc) and sqlfluff on the dbt project
 * (dbt/.sqlfluff; sqlfluff is installed with dbt into .local/dbt-venv on first use). One line per tool, then
 * one "lint: N passed, N failed" line; exits non-zero if any tool failed. `npm test` runs the same tools.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { ensureDbt } from '../extract/kit/dbt/install.js';
import { projectPath } from '../extract/kit/paths.js';

export interface LintTally {
  passed: number;
  failed: number;
}

interface Tool {
  name: string;
  /** The command and its arguments, resolved when the tool runs (sqlfluff needs the dbt venv first). */
  command: () => Promise<[string, string[]]>;
  cwd: string;
}

const bin = (name: string) => projectPath('node_modules', '.bin', name);

const TOOLS: Tool[] = [
  { name: 'eslint', command: async () => [bin('eslint'), ['.']], cwd: projectPath('.') },
  {
    name: 'prettier',
    command: async () => [bin('prettier'), ['--check', '--log-level=warn', '.']],
    cwd: projectPath('.'),
  },
  {
    name: 'sqlfluff',
    command: async () => {
      const dbt = await ensureDbt((m) => console.log(m));
      // --processes 0: one per core.
      return [path.join(path.dirname(dbt), 'sqlfluff'), ['lint', 'models', 'macros', 'tests', '--processes', '0']];
    },
    cwd: projectPath('dbt'),
  },
];

/** Runs every tool (a failing one does not stop the others) and prints one line for each. */
export async function runLint(log: (line: string) => void = console.log): Promise<LintTally> {
  const tally: LintTally = { passed: 0, failed: 0 };
  for (const tool of TOOLS) {
    const started = performance.now();
    const outcome = await tool
      .command()
      .then(([file, args]) => execa(file, args, { cwd: tool.cwd, stdio: 'inherit', reject: false }))
      .then(
        (result) => (result.exitCode === 0 ? 'passed' : `failed (exit code ${result.exitCode ?? result.signal})`),
        (error: unknown) => `failed (${(error as Error).message})`,
      );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log(`${tool.name}: ${outcome} in ${seconds} s`);
    if (outcome === 'passed') tally.passed++;
    else tally.failed++;
  }
  return tally;
}

async function main(): Promise<number> {
  const tally = await runLint();
  console.log(`lint: ${tally.passed} passed, ${tally.failed} failed`);
  return tally.failed === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`lint: ${(error as Error).message}`);
      console.log('lint: 0 passed, 1 failed');
      process.exit(1);
    },
  );
}
