/**
 * A sandbox's data settings from its options: each setting as given, else its default; the seed (default 42)
 * and the malformed-record rate of the fault switches (options.faults, else ELT_SANDBOX_FAULTS) with them.
 */
import { faultsFromEnv, type Faults } from './faults.js';

export function dataSettings<D extends object>(
  options: Partial<D> & { seed?: number; faults?: Faults },
  defaults: D,
): { faults: Faults; data: D & { seed: number; malformedRecordRate: number } } {
  const faults = options.faults ?? faultsFromEnv();
  const given = Object.fromEntries(
    Object.keys(defaults).flatMap((key) => {
      const value = (options as Record<string, unknown>)[key];
      return value === undefined ? [] : [[key, value]];
    }),
  ) as Partial<D>;
  const data = {
    ...defaults,
    ...given,
    seed: options.seed ?? 42,
    malformedRecordRate: faults.malformedRecordRate ?? 0,
  };
  return { faults, data };
}
