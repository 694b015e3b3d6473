/**
 * `npm run elt -- --check <source>` as a list of steps run in turn: each says what it found, or throws the
 * sentence that explains why not, and the first failure ends the check (later steps depend on it).
 */
import type { CheckContext, CheckStep } from './source.js';

export interface CheckStepSpec<Config> {
  name: string;
  /** What the step found, e.g. "3 locations: Napa, ...". */
  run(context: CheckContext<Config>): Promise<string>;
}

export function checkSteps<Config>(steps: readonly CheckStepSpec<Config>[]) {
  return async function* check(context: CheckContext<Config>): AsyncIterable<CheckStep> {
    for (const step of steps) {
      const { name } = step;
      try {
        yield { name, ok: true, detail: await step.run(context) };
      } catch (error) {
        yield { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
        return;
      }
    }
  };
}
