/**
 * The PostgreSQL raw loader: lands one unit (a file, a page, a window) atomically with the source's state.
 *
 * Two connections work as a pipeline. The copier streams records with binary COPY into unlogged staging
 * tables, one per chunk of a few MB, each committed on its own: staging is scratch space. Meanwhile the
 * lander, inside the unit's single transaction, moves each finished chunk into the raw table (only (key,
 * hash) pairs not there yet) and into quarantine, and drops it; then it writes the new state and commits.
 * So PostgreSQL parses JSON on one core while it writes raw rows on the other, and a kill anywhere leaves
 * raw and state untouched (leftover staging tables are dropped by the next run).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { LandingTarget, LandResult, LandingUnit } from '../warehouse.js';
import { prepareRecord, RecordSyntaxError } from '../../records/prepare.js';
import { BinaryCopyWriter, type CopyField } from './copy-binary.js';
import { META_SCHEMA, rawTableName } from './schema.js';

/** Bytes of records per COPY: big enough to amortise a statement, small enough that the last chunk's move is short. */
const CHUNK_BYTES = 8 << 20;
export const STAGE_PREFIX = 'stage_';

async function writeAll(stream: NodeJS.WritableStream, buffers: Buffer[]): Promise<void> {
  for (const b of buffers) {
    if (!stream.write(b)) await once(stream, 'drain');
  }
  buffers.length = 0;
}

function fieldsFor(prepared: ReturnType<typeof prepareRecord>): CopyField[] {
  if (prepared.ok) {
    return [
      { kind: 'text', value: prepared.key },
      { kind: 'text', value: prepared.hash },
      { kind: 'jsonb', value: prepared.bytes },
      { kind: 'text', value: null },
      { kind: 'text', value: null },
      { kind: 'int8', value: null },
      { kind: 'int8', value: null },
    ];
  }
  return [
    { kind: 'text', value: prepared.key },
    { kind: 'text', value: null },
    { kind: 'jsonb', value: null },
    { kind: 'text', value: prepared.reason },
    { kind: 'text', value: prepared.text },
    { kind: 'int8', value: prepared.index },
    { kind: 'int8', value: prepared.offset },
  ];
}

/** One COPY into the staging table: resolves when the server has committed it. */
function openCopy(copier: pg.ClientBase, stage: string) {
  const stream = copier.query(copyStreams.from(`copy ${stage} from stdin with (format binary)`));
  let failure: unknown;
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', (error) => {
      failure = error;
      reject(error);
    });
  });
  done.catch(() => undefined);
  return { stream, done, failed: () => failure };
}

/**
 * PostgreSQL validates each record's JSON as it converts it to jsonb; its error names the COPY line
 * (the tuple), which we turn back into the record's place in the unit.
 */
function explainCopyError(error: unknown, chunkStarts: readonly { index: number; offset: number }[]): unknown {
  const e = error as { code?: string; where?: string; message?: string; detail?: string };
  // The context also holds "JSON data, line 1" from the JSON parser: take the COPY's own line.
  const line = /COPY [^,]+, line (\d+)/.exec(e.where ?? '')?.[1];
  if (!e.code?.startsWith('22') || !line) return error;
  const record = chunkStarts[Number(line) - 1];
  if (!record) return error;
  const detail = e.detail ? ` (${e.detail})` : '';
  return new RecordSyntaxError(
    `invalid JSON in record ${record.index + 1} at byte ${record.offset}: ${e.message}${detail}`,
    record.offset,
  );
}

export async function landUnit(
  lander: pg.ClientBase,
  copier: pg.ClientBase,
  target: LandingTarget,
  unit: LandingUnit,
): Promise<LandResult> {
  const table = rawTableName(target.table);
  const stagePrefix = `${META_SCHEMA}.${STAGE_PREFIX}${target.runId}_${randomBytes(6).toString('hex')}_`;
  const result: LandResult = { seen: 0, landed: 0, quarantined: 0, bytes: 0 };
  const created: string[] = [];
  const createStage = async (chunk: number) => {
    const stage = stagePrefix + chunk;
    await copier.query(
      `create unlogged table ${stage}
         (key text, hash text, record jsonb, problem text, raw text, rec_index int8, rec_offset int8)`,
    );
    created.push(stage);
    return stage;
  };
  // A chunk is one COPY into a fresh heap, read back by a sequential scan, so rows are moved in the
  // order of the records in the unit and _seq in the raw table follows it.
  const move = async (stage: string) => {
    const landed = await lander.query(
      `insert into ${table} (_source_instance, _key, _hash, record, _origin, _run_id)
       select $1, key, hash, record, $2, $3 from ${stage} where problem is null
       on conflict (_source_instance, _key, _hash) do nothing`,
      [target.instance, unit.origin, target.runId],
    );
    result.landed += landed.rowCount ?? 0;
    const quarantined = await lander.query(
      `insert into ${META_SCHEMA}.quarantine
         (run_id, source, entity, source_instance, origin, record_index, byte_offset, record_key, reason, raw_text)
       select $1, $2, $3, $4, $5, rec_index, rec_offset, key, problem, raw from ${stage} where problem is not null`,
      [target.runId, target.source, target.entity, target.instance, unit.origin],
    );
    result.quarantined += quarantined.rowCount ?? 0;
    await lander.query(`drop table ${stage}`);
  };
  const moves: Promise<void>[] = [];
  let copy: ReturnType<typeof openCopy> | undefined;
  try {
    await lander.query('begin');
    let chunk = 0;
    let stage = await createStage(chunk);
    let writer = new BinaryCopyWriter();
    let chunkBytes = 0;
    // Where each record of the current chunk came from, to explain a COPY error.
    let chunkRecords: { index: number; offset: number }[] = [];
    const ready: Buffer[] = [];
    copy = openCopy(copier, stage);
    const finishChunk = async () => {
      writer.finish(ready);
      await writeAll(copy!.stream, ready);
      copy!.stream.end();
      await copy!.done.catch((error: unknown) => {
        throw explainCopyError(error, chunkRecords);
      });
      // Queued on the lander's connection; runs while the copier streams the next chunk.
      const moved = move(stage);
      moved.catch(() => undefined);
      moves.push(moved);
    };
    for await (const raw of unit.records) {
      if (copy.failed()) throw explainCopyError(copy.failed(), chunkRecords);
      const prepared = prepareRecord(raw, target.keyPath);
      chunkRecords.push({ index: raw.index, offset: raw.offset });
      result.seen++;
      result.bytes += raw.bytes.length;
      writer.tuple(fieldsFor(prepared), ready);
      chunkBytes += raw.bytes.length;
      if (ready.length) await writeAll(copy.stream, ready);
      if (chunkBytes >= CHUNK_BYTES) {
        await finishChunk();
        stage = await createStage(++chunk);
        writer = new BinaryCopyWriter();
        chunkBytes = 0;
        chunkRecords = [];
        copy = openCopy(copier, stage);
      }
      unit.onProgress?.(result);
    }
    await finishChunk();
    copy = undefined;
    await Promise.all(moves);
    await lander.query(
      `insert into ${META_SCHEMA}.state (source, entity, source_instance, state, run_id) values ($1, $2, $3, $4, $5)
       on conflict (source, entity, source_instance)
       do update set state = excluded.state, updated_at = now(), run_id = excluded.run_id`,
      [target.source, target.entity, target.instance, JSON.stringify(unit.state), target.runId],
    );
    await lander.query('commit');
    return result;
  } catch (error) {
    if (copy) {
      // Abort the COPY so the copier connection can be used (and discarded) cleanly.
      copy.stream.destroy(error as Error);
      await copy.done.catch(() => undefined);
    }
    await Promise.allSettled(moves);
    await lander.query('rollback').catch(() => undefined);
    // The rollback undid the lander's drops; remove every staging table of this unit.
    for (const stage of created) await copier.query(`drop table if exists ${stage}`).catch(() => undefined);
    throw error;
  }
}

/** Staging tables left by a killed process. Call only while holding the run lock. */
export async function dropLeftoverStages(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ name: string }>(
    `select tablename as name from pg_tables where schemaname = $1 and tablename like $2`,
    [META_SCHEMA, `${STAGE_PREFIX}%`],
  );
  for (const { name } of rows) await client.query(`drop table if exists ${META_SCHEMA}.${name}`);
  return rows.length;
}

export async function loadState(
  client: pg.ClientBase,
  source: string,
  entity: string,
  instance: string,
): Promise<unknown> {
  const { rows } = await client.query<{ state: unknown }>(
    `select state from ${META_SCHEMA}.state where source = $1 and entity = $2 and source_instance = $3`,
    [source, entity, instance],
  );
  return rows[0]?.state;
}
