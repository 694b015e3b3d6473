/** Runs `npm run elt` as a real child process (tsx orchestrate.ts), as a user or cron would. */
import { execa, type ResultPromise } from 'execa';
import { projectPath } from '../../extract/kit/paths.js';

/** Variables a developer's shell may carry that would point a child run somewhere else. */
const SCRUB = ['DATABASE_URL', 'PGHOST', 'PGDATABASE', 'ELT_DATABASE', 'TOCK_API_URL', 'TOCK_ALLOWED_FILE_HOSTS'];

export function eltEnv(extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v !== undefined &&
      !SCRUB.includes(k) &&
      !/^(X_TOCK_|SQUARE_|ELT_SQUARE_|TOAST_|ELT_TOAST_|ELT_SECRET_KEY$)/.test(k)
    )
      env[k] = v;
  }
  // A developer's own .env must not leak credentials into test runs.
  env.ELT_ENV_FILE = '/dev/null';
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function startElt(
  args: string[],
  env: Record<string, string | undefined>,
): ResultPromise<{ all: true; reject: false; extendEnv: false; env: Record<string, string> }> {
  // node with tsx's loader, not the tsx CLI: the CLI runs the script in a grandchild, which a SIGKILL would miss.
  return execa(
    process.execPath,
    ['--max-semi-space-size=2', '--import', 'tsx', projectPath('orchestrate.ts'), ...args],
    {
      cwd: projectPath('.'),
      all: true,
      reject: false,
      extendEnv: false,
      env: eltEnv(env),
    },
  );
}

export async function runElt(args: string[], env: Record<string, string | undefined>) {
  return await startElt(args, env);
}
