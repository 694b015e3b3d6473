/**
 * The PostgreSQL raw loader: lands one unit (a file, a page, a window) atomically with the source's state.
 * Records stream through binary COPY into a temporary staging table; only (key, hash) pairs the raw table
 * does not hold yet are added; quarantined records and the new state commit in the same transaction.
 */
import { once } from 'node:events';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { LandingTarget, LandResult, LandingUnit } from '../warehouse.js';
import { prepareRecord } from '../../records/prepare.js';
import { BinaryCopyWriter, type CopyField } from './copy-binary.js';
import { META_SCHEMA, rawTableName } from './schema.js';

const STAGE = 'pg_temp.elt_stage';

// Temporary: no WAL, private to the session. Rows are read back in insertion order: a freshly filled
// temp table is scanned sequentially from its first page, and temp tables never take part in
// synchronised scans, so _seq in the raw table follows the order of the records in the unit.
const STAGE_DDL = `
create temp table if not exists elt_stage (
  key text,
  hash text,
  record jsonb,
  problem text,
  raw text,
  rec_index int8,
  rec_offset int8
) on commit delete rows`;

async function writeAll(stream: NodeJS.WritableStream, buffers: Buffer[]): Promise<void> {
  for (const b of buffers) {
    if (!stream.write(b)) await once(stream, 'drain');
  }
  buffers.length = 0;
}

export async function landUnit(client: pg.ClientBase, target: LandingTarget, unit: LandingUnit): Promise<LandResult> {
  const table = rawTableName(target.table);
  const result: LandResult = { seen: 0, landed: 0, quarantined: 0, bytes: 0 };
  await client.query('begin');
  try {
    await client.query(STAGE_DDL);
    const copy = client.query(copyStreams.from(`copy ${STAGE} from stdin with (format binary)`));
    const copyDone = new Promise<void>((resolve, reject) => {
      copy.on('finish', resolve);
      copy.on('error', reject);
    });
    // Surface a server-side COPY failure immediately instead of waiting for the writer to drain.
    let copyError: unknown;
    copyDone.catch((error: unknown) => (copyError = error));
    const writer = new BinaryCopyWriter();
    const ready: Buffer[] = [];
    try {
      for await (const raw of unit.records) {
        if (copyError) throw copyError;
        const prepared = prepareRecord(raw, target.keyPath);
        result.seen++;
        result.bytes += raw.bytes.length;
        let fields: CopyField[];
        if (prepared.ok) {
          fields = [
            { kind: 'text', value: prepared.key },
            { kind: 'text', value: prepared.hash },
            { kind: 'jsonb', value: prepared.bytes },
            { kind: 'text', value: null },
            { kind: 'text', value: null },
            { kind: 'int8', value: null },
            { kind: 'int8', value: null },
          ];
        } else {
          fields = [
            { kind: 'text', value: prepared.key },
            { kind: 'text', value: null },
            { kind: 'jsonb', value: null },
            { kind: 'text', value: prepared.reason },
            { kind: 'text', value: prepared.text },
            { kind: 'int8', value: prepared.index },
            { kind: 'int8', value: prepared.offset },
          ];
        }
        writer.tuple(fields, ready);
        if (ready.length) await writeAll(copy, ready);
        unit.onProgress?.(result);
      }
      writer.finish(ready);
      await writeAll(copy, ready);
      copy.end();
    } catch (error) {
      // Abort the COPY so the connection is usable for the rollback.
      copy.destroy(error as Error);
      await copyDone.catch(() => undefined);
      throw error;
    }
    await copyDone;

    const landed = await client.query(
      `insert into ${table} (_source_instance, _key, _hash, record, _origin, _run_id)
       select $1, key, hash, record, $2, $3 from ${STAGE} where problem is null
       on conflict (_source_instance, _key, _hash) do nothing`,
      [target.instance, unit.origin, target.runId],
    );
    result.landed = landed.rowCount ?? 0;
    const quarantined = await client.query(
      `insert into ${META_SCHEMA}.quarantine (run_id, source, entity, source_instance, origin, record_index, byte_offset, record_key, reason, raw_text)
       select $1, $2, $3, $4, $5, rec_index, rec_offset, key, problem, raw from ${STAGE} where problem is not null`,
      [target.runId, target.source, target.entity, target.instance, unit.origin],
    );
    result.quarantined = quarantined.rowCount ?? 0;
    await client.query(
      `insert into ${META_SCHEMA}.state (source, entity, source_instance, state, run_id) values ($1, $2, $3, $4, $5)
       on conflict (source, entity, source_instance) do update set state = excluded.state, updated_at = now(), run_id = excluded.run_id`,
      [target.source, target.entity, target.instance, JSON.stringify(unit.state), target.runId],
    );
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

export async function loadState<T>(client: pg.ClientBase, source: string, entity: string, instance: string): Promise<T | undefined> {
  const { rows } = await client.query<{ state: T }>(
    `select state from ${META_SCHEMA}.state where source = $1 and entity = $2 and source_instance = $3`,
    [source, entity, instance],
  );
  return rows[0]?.state;
}
