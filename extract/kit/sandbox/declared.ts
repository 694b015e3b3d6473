/**
 * A sandbox as a declaration: its persisted state (how far the vendor's time has moved), its route table
 * given that state, the environment that points the source at it, and one step of the vendor's time.
 * `npm run elt` starts sandboxes afresh every run; the state file makes `advance()` last between runs.
 */
import type { RunningSandbox } from '../source.js';
import { faultsFromEnv, type Faults } from './faults.js';
import { startRoutes, type SandboxSpec } from './routes.js';
import { advanceState, loadState } from './state.js';

export interface SandboxDeclaration<S extends object> {
  /** State file name (`.local/sandbox/<name>.json`). */
  name: string;
  initial: S;
  /** The routes; `state()` is the state in force when a request arrives. */
  spec(state: () => S, options: { faults: Faults }): SandboxSpec;
  /** The variables that point the source at the sandbox, as a user's .env would. */
  env(url: string): Record<string, string>;
  /** One step of the vendor's time (a day of changes) and the line that says what it did. */
  advance(state: S): { state: S; said: string };
}

export interface SandboxOptions {
  /** Where the state file lives; tests pass a temporary folder. */
  stateDir?: string;
  faults?: Faults;
  port?: number;
}

export interface StartedSandbox<S> extends RunningSandbox {
  url: string;
  state(): S;
}

export async function startSandbox<S extends object>(declaration: SandboxDeclaration<S>, options: SandboxOptions = {}): Promise<StartedSandbox<S>> {
  let state = await loadState(declaration.name, declaration.initial, options.stateDir);
  const faults = options.faults ?? faultsFromEnv();
  const server = await startRoutes(declaration.spec(() => state, { faults }), options.port);
  return {
    url: server.url,
    env: declaration.env(server.url),
    state: () => state,
    async advance() {
      let said = '';
      state = await advanceState(
        declaration.name,
        declaration.initial,
        (current) => {
          const step = declaration.advance(current);
          said = step.said;
          return step.state;
        },
        options.stateDir,
      );
      return said;
    },
    close: () => server.close(),
  };
}
