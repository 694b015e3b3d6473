import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whatever the current directory: commands are run from anywhere. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function projectPath(...parts: string[]): string {
  return path.join(PROJECT_ROOT, ...parts);
}

/** Where the project keeps what it installs and runs (dbt venv, PostgreSQL data); ELT_LOCAL_DIR moves it. */
export function localDir(...parts: string[]): string {
  return path.join(
    process.env.ELT_LOCAL_DIR ? path.resolve(process.env.ELT_LOCAL_DIR) : projectPath('.local'),
    ...parts,
  );
}
