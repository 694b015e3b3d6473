/** `npm run elt -- sample <source>.<entity>`: a few records through the real client, nothing landed. */
import { writeFile } from 'node:fs/promises';
import { sampleEntity } from '../kit/runner.js';
import type { Selection } from './args.js';
import type { CommandContext } from './environment.js';

export async function runSample(
  selection: Selection,
  options: { limit: number; output?: string; instances?: string[] },
  context: CommandContext,
): Promise<number> {
  const { source } = selection;
  const entity = [...(selection.entities ?? [])][0]!;
  const records = await sampleEntity(source, entity, {
    warehouse: context.warehouse,
    env: context.envs.envFor(source.name),
    instances: options.instances ? new Set(options.instances) : undefined,
    log: context.log,
    signal: context.signal,
    limit: options.limit,
  });
  const what = `${records.length} record${records.length === 1 ? '' : 's'} of ${source.name}.${entity}`;
  if (options.output) {
    // The records' own bytes inside a JSON array: valid JSON, and ids keep every digit.
    await writeFile(options.output, `[\n${records.map((r) => r.text).join(',\n')}\n]\n`);
    context.print(`${what} written to ${options.output} (nothing landed)`);
  } else {
    for (const r of records) context.print(r.text);
    context.print(`${what} (nothing landed)`);
  }
  return 0;
}
