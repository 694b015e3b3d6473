/** Every source the toolkit knows, in the order runs list them. */
import type { SourceDefinition } from '../kit/source.js';
import { arrivy } from './arrivy/source.js';
import { commerce7 } from './commerce7/source.js';
import { square } from './square/source.js';
import { toast } from './toast/source.js';
import { tock } from './tock/source.js';

export const SOURCES: readonly SourceDefinition<unknown>[] = [tock, square, toast, arrivy, commerce7];

export function allRawTables(): string[] {
  return [...new Set(SOURCES.flatMap((s) => s.entities.map((e) => e.table)))];
}
