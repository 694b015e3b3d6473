/**
 * dbt lives in a project-local virtual environment (.local/dbt-venv), not pipx: pipx is not on every
 * machine, a global install would be shared with other projects at other versions, and a venv inside
 * the project is created from pinned requirements + constraints and thrown away with the checkout.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { projectPath } from '../paths.js';

export const DBT_VENV = projectPath('.local', 'dbt-venv');
export const DBT_BIN = path.join(DBT_VENV, 'bin', 'dbt');
const REQUIREMENTS = projectPath('dbt', 'requirements.txt');
const CONSTRAINTS = projectPath('dbt', 'constraints.txt');
const STAMP = path.join(DBT_VENV, '.requirements-hash');

export class DbtInstallError extends Error {
  override name = 'DbtInstallError';
}

async function requirementsHash(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await readFile(REQUIREMENTS));
  hash.update(await readFile(CONSTRAINTS));
  return hash.digest('hex');
}

async function findPython(): Promise<string> {
  for (const candidate of [process.env.ELT_PYTHON, 'python3', 'python'].filter(Boolean) as string[]) {
    const probe = await execa(candidate, ['-c', 'import sys, venv; print(sys.version_info >= (3, 9))'], { reject: false });
    if (probe.exitCode === 0 && probe.stdout.trim() === 'True') return candidate;
  }
  throw new DbtInstallError('dbt needs Python 3.9 or newer with the venv module, and none was found; install python3 (Debian: apt-get install python3 python3-venv) or set ELT_PYTHON.');
}

/** Creates or refreshes the dbt environment when requirements changed; cheap when up to date. */
export async function ensureDbt(log: (message: string) => void = () => {}): Promise<string> {
  const wanted = await requirementsHash();
  const have = await readFile(STAMP, 'utf8').catch(() => '');
  if (have === wanted && existsSync(DBT_BIN)) return DBT_BIN;

  const python = await findPython();
  log('Installing dbt (pinned, into .local/dbt-venv); this happens once and takes about a minute.');
  await rm(DBT_VENV, { recursive: true, force: true });
  const venv = await execa(python, ['-m', 'venv', DBT_VENV], { reject: false, all: true });
  if (venv.exitCode !== 0) {
    throw new DbtInstallError(`Could not create a Python virtual environment for dbt: ${lastLine(venv.all)} (Debian: apt-get install python3-venv).`);
  }
  const pip = path.join(DBT_VENV, 'bin', 'pip');
  const install = await execa(pip, ['install', '--disable-pip-version-check', '--quiet', '-r', REQUIREMENTS, '-c', CONSTRAINTS], { reject: false, all: true });
  if (install.exitCode !== 0) {
    throw new DbtInstallError(`Installing dbt failed: ${lastLine(install.all)}`);
  }
  await writeFile(STAMP, wanted);
  log('dbt installed.');
  return DBT_BIN;
}

function lastLine(text: string | undefined): string {
  const lines = (text ?? '').trim().split('\n').filter((l) => !l.startsWith('WARNING: Location'));
  return lines.at(-1) ?? 'no output';
}
