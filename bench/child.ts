/** One `npm run elt` run in a child process, as a user or cron would start it, with its peak memory. */
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { projectPath } from '../extract/kit/paths.js';

export interface ChildRun {
  ms: number;
  exitCode: number;
  /** stdout (the summary) */
  output: string;
  /** The last lines of stderr (the log), to explain a failure. */
  logTail: string;
  /** The signal that ended it, when one did (a killed run). */
  signal?: string;
  /** Peak resident memory of the child (VmHWM), in MB; undefined where /proc is not available. */
  peakRssMb?: number;
}

async function peakRssMb(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : undefined;
}

/** Runs orchestrate.ts with `args`; `env` is the whole environment (nothing else is inherited). */
export async function runEltChild(
  args: string[],
  env: Record<string, string | undefined>,
  options: { signal?: AbortSignal } = {},
): Promise<ChildRun> {
  const started = performance.now();
  const child = execa(
    process.execPath,
    ['--max-semi-space-size=2', '--import', 'tsx', projectPath('orchestrate.ts'), ...args],
    {
      cwd: projectPath('.'),
      env: { ELT_ENV_FILE: '/dev/null', ...env },
      extendEnv: false,
      reject: false,
      // A cancelled run is killed outright, like a crash or an OOM kill: nothing gets to clean up.
      cancelSignal: options.signal,
      killSignal: 'SIGKILL',
    },
  );
  // VmHWM is only readable while the process lives: sample it until it exits.
  let peak: number | undefined;
  const sampler = setInterval(() => {
    if (child.pid) void peakRssMb(child.pid).then((mb) => (peak = mb === undefined ? peak : Math.max(peak ?? 0, mb)));
  }, 200);
  const result = await child;
  clearInterval(sampler);
  const logTail = String(result.stderr ?? '')
    .split('\n')
    .slice(-30)
    .join('\n');
  return {
    ms: performance.now() - started,
    exitCode: result.exitCode ?? 1,
    signal: result.signal,
    output: String(result.stdout ?? ''),
    logTail,
    peakRssMb: peak,
  };
}
