/**
 * A sandbox's persistent state (e.g. how many exports exist) as a small JSON file, so that `npm run elt`,
 * which starts the sandbox afresh on every run, sees the data "advance" between runs.
 * Default location: <repo>/.local/sandbox/<name>.json (git-ignored). Tests pass their own temp directory.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** <repo>/.local/sandbox, found from this file's place in the checkout (extract/kit/sandbox/). */
export function defaultStateDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', '..', '.local', 'sandbox');
}

export function statePath(name: string, dir: string = defaultStateDir()): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
    throw new Error(`sandbox state name "${name}" must be a plain file name`);
  return path.join(dir, `${name}.json`);
}

/** The saved state merged over the defaults; the defaults alone when nothing was saved yet. */
export async function loadState<T extends object>(name: string, defaults: T, dir?: string): Promise<T> {
  const file = statePath(name, dir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ...defaults };
    throw err;
  }
  let saved: unknown;
  try {
    saved = JSON.parse(text);
  } catch {
    throw new Error(`sandbox state ${file} is not valid JSON; delete it to start over`);
  }
  if (!saved || typeof saved !== 'object' || Array.isArray(saved))
    throw new Error(`sandbox state ${file} is not a JSON object; delete it to start over`);
  return { ...defaults, ...(saved as Partial<T>) };
}

/** Writes atomically (temp file + rename), creating the directory on first need. */
export async function saveState<T extends object>(name: string, state: T, dir?: string): Promise<void> {
  const file = statePath(name, dir);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n', 'utf8');
  await rename(tmp, file);
}

/** load -> change -> save; returns the saved state. `change` may mutate its argument or return a new object. */
export async function advanceState<T extends object>(
  name: string,
  defaults: T,
  change: (state: T) => T | void,
  dir?: string,
): Promise<T> {
  const state = await loadState(name, defaults, dir);
  const next = change(state) ?? state;
  await saveState(name, next, dir);
  return next;
}

/** The same three functions bound to one name and directory. */
export interface StateStore<T extends object> {
  readonly file: string;
  load(): Promise<T>;
  save(state: T): Promise<void>;
  advance(change: (state: T) => T | void): Promise<T>;
}

export function stateStore<T extends object>(name: string, defaults: T, dir?: string): StateStore<T> {
  return {
    file: statePath(name, dir),
    load: () => loadState(name, defaults, dir),
    save: (state) => saveState(name, state, dir),
    advance: (change) => advanceState(name, defaults, change, dir),
  };
}
