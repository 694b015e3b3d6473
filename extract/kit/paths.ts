import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whatever the current directory: commands are run from anywhere. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function projectPath(...parts: string[]): string {
  return path.join(PROJECT_ROOT, ...parts);
}
