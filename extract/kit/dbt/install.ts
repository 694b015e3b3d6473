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
import { localDir, projectPath } from '../paths.js';

const REQUIREMENTS = projectPath('dbt', 'requirements.txt');
const CONSTRAINTS = projectPath('dbt', 'constraints.txt');

function venvDir(): string {
  return localDir('dbt-venv');
}

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
  const candidates = process.env.ELT_PYTHON ? [process.env.ELT_PYTHON] : ['python3', 'python'];
  for (const candidate of candidates) {
    const probe = await execa(candidate, ['-c', 'import sys, venv; print(sys.version_info >= (3, 9))'], {
      reject: false,
    }).catch(() => undefined);
    if (!probe) continue;
    if (probe.exitCode === 0 && probe.stdout.trim() === 'True') return candidate;
  }
  throw new DbtInstallError(
    'dbt needs Python 3.9 or newer with the venv module, and none was found; ' +
      'install python3 (Debian: apt-get install python3 python3-venv) or set ELT_PYTHON.',
  );
}

/** Creates or refreshes the dbt environment when requirements changed; cheap when up to date. */
export async function ensureDbt(log: (message: string) => void = () => {}): Promise<string> {
  const wanted = await requirementsHash();
  const venv = venvDir();
  const dbt = path.join(venv, 'bin', 'dbt');
  const stamp = path.join(venv, '.requirements-hash');
  const have = await readFile(stamp, 'utf8').catch(() => '');
  if (have === wanted && existsSync(dbt)) return dbt;

  const python = await findPython();
  log('Installing dbt (pinned, into .local/dbt-venv); this happens once and takes about a minute.');
  await rm(venv, { recursive: true, force: true });
  const created = await execa(python, ['-m', 'venv', venv], { reject: false, all: true });
  if (created.exitCode !== 0) {
    throw new DbtInstallError(
      `Could not create a Python virtual environment for dbt: ${lastLine(created.all)} ` +
        '(Debian: apt-get install python3-venv).',
    );
  }
  const pip = path.join(venv, 'bin', 'pip');
  const install = await execa(
    pip,
    ['install', '--disable-pip-version-check', '--quiet', '-r', REQUIREMENTS, '-c', CONSTRAINTS],
    { reject: false, all: true },
  );
  if (install.exitCode !== 0) {
    throw new DbtInstallError(`Installing dbt failed: ${lastLine(install.all)}`);
  }
  await writeFile(stamp, wanted);
  log('dbt installed.');
  return dbt;
}

function lastLine(text: string | undefined): string {
  const lines = (text ?? '')
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('WARNING: Location'));
  return lines.at(-1) ?? 'no output';
}
