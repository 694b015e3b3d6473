/**
 * The BigQuery raw loader: lands one unit (a file, a page, a window) atomically with the source's state.
 *
 * Records are prepared as on PostgreSQL (key from the bytes, md5 of the bytes, quarantine reasons) and
 * written as NDJSON lines to chunk files on local disk (a few tens of MB each, so memory stays flat
 * whatever the unit's size). Each finished chunk goes to BigQuery as a load job into the unit's staging
 * table, directly as a multipart upload or through a GCS object (BIGQUERY_STAGING_BUCKET), while the
 * next chunk is being written. Spooling to disk first is what lets a failed upload be sent again and a
 * row BigQuery rejects be read back: such rows go to quarantine with BigQuery's reason, the rest lands.
 *
 * Then one multi-statement transaction (sql.ts landingScript) inserts the new (instance, key, hash)
 * versions into the raw table, the quarantined rows into quarantine and the new state. A kill anywhere
 * before the commit leaves raw, quarantine and state untouched; the staging table expires by itself
 * (and the next run drops it).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { prepareRecord, RecordSyntaxError, type PreparedRecord } from '../../records/prepare.js';
import type { LandingTarget, LandingUnit, LandResult } from '../warehouse.js';
import type { BigQueryApi, ErrorProto, LoadResult } from './api.js';
import { BigQueryError } from './api.js';
import type { BigQueryTarget } from './config.js';
import { bigQueryJson } from './record-json.js';
import { assertRawTableName, STAGE_FIELDS, STAGE_PREFIX } from './schema.js';
import { landingScript } from './sql.js';

export interface StagingStore {
  /** Uploads a local file and returns its gs:// URI. */
  upload(file: string, name: string): Promise<string>;
  remove(uris: readonly string[]): Promise<void>;
}

export interface LoaderOptions {
  /** Bytes of NDJSON per load job. */
  chunkBytes: number;
  /** Rows BigQuery may reject per load job before the job (and the unit) fails. */
  maxBadRecords: number;
  /** Chunks uploaded or loading while the next one is written. */
  maxLoadsInFlight: number;
  /** Where chunk files are written (default: the system's temporary folder). */
  tmpDir?: string;
  /** Large loads through GCS instead of direct upload. */
  staging?: StagingStore;
  /** Called right before the commit; throws when the run no longer holds the lock. */
  beforeCommit?: () => void;
}

export const DEFAULT_LOADER_OPTIONS: LoaderOptions = { chunkBytes: 64 << 20, maxBadRecords: 1000, maxLoadsInFlight: 2 };

/** Staging tables expire by themselves a day after creation, whatever happens to the run. */
const STAGE_TTL_MS = 24 * 3600_000;
const RECORD_FIELD = ',"record":';

/** Same wording as the PostgreSQL loader: the whole unit fails on a record whose JSON grammar is broken. */
function syntaxError(index: number, offset: number, error: unknown): RecordSyntaxError {
  const position = /position (\d+)/.exec((error as Error).message)?.[1];
  const where = position === undefined ? '' : ` (near character ${position} of the record)`;
  return new RecordSyntaxError(`invalid JSON in record ${index + 1} at byte ${offset}${where}`, offset);
}

/** The NDJSON line (as parts, to avoid copying the record) for one prepared record. */
export function stageLine(prepared: PreparedRecord, index: number, offset: number): (string | Buffer)[] {
  const head = `{"rec_index":${index},"rec_offset":${offset},"record_key":${JSON.stringify(prepared.key)}`;
  if (prepared.ok)
    return [`${head},"content_hash":"${prepared.hash}"${RECORD_FIELD}`, bigQueryJson(prepared.bytes), '}\n'];
  return [`${head},"problem":${JSON.stringify(prepared.reason)},"raw_text":${JSON.stringify(prepared.text)}}\n`];
}

class ChunkFile {
  bytes = 0;
  lines = 0;
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  constructor(
    readonly path: string,
    readonly number: number,
  ) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (error) => (this.failure = error));
  }

  async write(parts: readonly (string | Buffer)[]): Promise<void> {
    if (this.failure) throw this.failure;
    let ok = true;
    for (const part of parts) {
      ok = this.stream.write(part);
      this.bytes += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
    }
    this.lines++;
    if (!ok) await once(this.stream, 'drain');
  }

  /** Closes the file without waiting (after a failure). */
  discard(): void {
    this.stream.destroy();
  }

  async close(): Promise<void> {
    this.stream.end();
    if (!this.stream.writableFinished) await once(this.stream, 'finish');
    if (this.failure) throw this.failure;
  }
}

/** The line starting at byte `position` of a chunk file. */
async function readLineAt(file: string, position: number): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    if (position > 0) {
      const before = Buffer.alloc(1);
      await handle.read(before, 0, 1, position - 1);
      if (before[0] !== 0x0a) return undefined; // not the start of a line
    }
    const parts: Buffer[] = [];
    for (let at = position; ;) {
      const block = Buffer.alloc(1 << 16);
      const { bytesRead } = await handle.read(block, 0, block.length, at);
      if (bytesRead === 0) break;
      const end = block.subarray(0, bytesRead).indexOf(0x0a);
      if (end >= 0) {
        parts.push(block.subarray(0, end));
        break;
      }
      parts.push(block.subarray(0, bytesRead));
      at += bytesRead;
    }
    return Buffer.concat(parts).toString('utf8');
  } finally {
    await handle.close();
  }
}

interface Rejection {
  line: string;
  message: string;
}

/** The quarantine line for a row BigQuery would not load: reason, key, place, and the record's text. */
function rejectionLine({ line, message }: Rejection): string {
  const at = line.indexOf(RECORD_FIELD);
  const header = JSON.parse(at < 0 ? line : line.slice(0, at) + '}') as {
    rec_index: number;
    rec_offset: number;
    record_key: string | null;
    raw_text?: string;
  };
  const text = at < 0 ? (header.raw_text ?? line) : line.slice(at + RECORD_FIELD.length, -1);
  const reason = `rejected by BigQuery: ${message}`;
  const { rec_index, rec_offset, record_key } = header;
  return `${JSON.stringify({ rec_index, rec_offset, record_key, problem: reason, raw_text: text })}\n`;
}

/**
 * The rows of a chunk that its load job rejected, read back from the chunk file. Fails when BigQuery
 * rejected rows it did not point at, or loaded a different number of rows than sent: nothing may be lost
 * silently.
 */
async function rejectedRows(result: LoadResult, chunk: ChunkFile, origin: string): Promise<Rejection[]> {
  const rows = result.outputRows + result.badRecords;
  if (rows !== chunk.lines) {
    throw new BigQueryError(
      `BigQuery read ${rows} rows of ${chunk.lines} from chunk ${chunk.number} of ${origin}`,
      undefined,
      undefined,
      false,
    );
  }
  if (result.badRecords === 0) return [];
  const byPosition = new Map<number, string>();
  for (const error of result.errors) {
    const position = /position (\d+)/.exec(error.message ?? '')?.[1];
    if (position !== undefined && !byPosition.has(Number(position)))
      byPosition.set(Number(position), error.message ?? '');
  }
  const rejections: Rejection[] = [];
  for (const [position, message] of byPosition) {
    const line = await readLineAt(chunk.path, position);
    if (line !== undefined)
      rejections.push({ line, message: message.replace(/^Error while reading data, error message: /, '') });
  }
  if (rejections.length !== result.badRecords) {
    const first = result.errors.find((e: ErrorProto) => e.message)?.message ?? 'no reason given';
    throw new BigQueryError(
      `BigQuery rejected ${result.badRecords} rows of ${origin} and named ${rejections.length} of them (${first}); ` +
        'nothing of the unit was landed',
      undefined,
      undefined,
      false,
    );
  }
  return rejections;
}

export async function landUnit(
  api: BigQueryApi,
  target: BigQueryTarget,
  landing: LandingTarget,
  unit: LandingUnit,
  options: LoaderOptions = DEFAULT_LOADER_OPTIONS,
): Promise<LandResult> {
  assertRawTableName(landing.table);
  const result: LandResult = { seen: 0, landed: 0, quarantined: 0, bytes: 0 };
  const stage = `${STAGE_PREFIX}${landing.runId}_${randomBytes(6).toString('hex')}`;
  const dir = await mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), 'elt-bq-'));
  const uploaded: string[] = [];
  const pending: Promise<void>[] = [];
  // Rows BigQuery rejected, as quarantine rows, on disk like the chunks (loaded before the transaction).
  let rejected: ChunkFile | undefined;
  let failure: unknown;
  let stageCreated = false;
  let chunk: ChunkFile | undefined;

  const loadChunk = async (chunk: ChunkFile): Promise<void> => {
    try {
      let source: { file: string } | { uris: string[] } = { file: chunk.path };
      if (options.staging) {
        const uri = await options.staging.upload(
          chunk.path,
          `${stage}/chunk-${String(chunk.number).padStart(6, '0')}.ndjson`,
        );
        uploaded.push(uri);
        source = { uris: [uri] };
      }
      const loaded = await api.load({
        table: stage,
        schema: STAGE_FIELDS,
        source,
        maxBadRecords: options.maxBadRecords,
        label: 'load',
      });
      for (const rejection of await rejectedRows(loaded, chunk, unit.origin)) {
        rejected ??= new ChunkFile(path.join(dir, 'rejected.ndjson'), -1);
        await rejected.write([rejectionLine(rejection)]);
      }
    } finally {
      await rm(chunk.path, { force: true });
    }
  };
  const dispatch = async (chunk: ChunkFile) => {
    await chunk.close();
    if (chunk.lines === 0) return;
    const loading = loadChunk(chunk);
    loading.catch((error: unknown) => (failure ??= error));
    pending.push(loading);
    // Bounded: at most maxLoadsInFlight chunks on their way while the next one is written.
    while (pending.length >= options.maxLoadsInFlight) await pending.shift();
  };

  try {
    await api.insertTable(target.metaDataset, {
      tableReference: { projectId: target.project, datasetId: target.metaDataset, tableId: stage },
      schema: { fields: STAGE_FIELDS.map((f) => ({ ...f })) },
      expirationTime: String(Date.now() + STAGE_TTL_MS),
      description: `Staging for ${landing.table}, run ${landing.runId}, ${unit.origin}; dropped after its transaction.`,
    });
    stageCreated = true;

    let number = 0;
    chunk = new ChunkFile(path.join(dir, `chunk-${number}.ndjson`), number);
    for await (const raw of unit.records) {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what a chunk's load rejected with
      if (failure) throw failure;
      const prepared = prepareRecord(raw, landing.keyPath);
      if (prepared.ok) {
        try {
          JSON.parse(prepared.bytes.toString('utf8'));
        } catch (error) {
          throw syntaxError(raw.index, raw.offset, error);
        }
      }
      result.seen++;
      result.bytes += raw.bytes.length;
      await chunk.write(stageLine(prepared, raw.index, raw.offset));
      if (chunk.bytes >= options.chunkBytes) {
        await dispatch(chunk);
        number++;
        chunk = new ChunkFile(path.join(dir, `chunk-${number}.ndjson`), number);
      }
      unit.onProgress?.(result);
    }
    await dispatch(chunk);
    while (pending.length) await pending.shift();
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what a chunk's load rejected with
    if (failure) throw failure;

    if (rejected) {
      await rejected.close();
      await api.load({
        table: stage,
        schema: STAGE_FIELDS,
        source: { file: rejected.path },
        maxBadRecords: 0,
        label: 'load_rejected',
      });
    }

    options.beforeCommit?.();
    const script = landingScript(
      target,
      { table: landing.table, stage },
      {
        runId: landing.runId,
        source: landing.source,
        entity: landing.entity,
        instance: landing.instance,
        origin: unit.origin,
        state: JSON.stringify(unit.state ?? null),
      },
    );
    const { rows } = await api.query(script, 'land');
    result.landed = Number(rows[0]?.landed ?? 0);
    result.quarantined = Number(rows[0]?.quarantined ?? 0);
    return result;
  } catch (error) {
    chunk?.discard();
    rejected?.discard();
    // Let the loads still running finish before the staging table goes.
    await Promise.allSettled(pending);
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    if (stageCreated) await api.deleteTable(target.metaDataset, stage).catch(() => undefined);
    if (uploaded.length && options.staging) await options.staging.remove(uploaded).catch(() => undefined);
  }
}

/** Staging tables left by a killed process. Call only while holding the run lock. */
export async function dropLeftoverStages(api: BigQueryApi, target: BigQueryTarget): Promise<number> {
  const stages = (await api.listTables(target.metaDataset)).filter((t) => t.tableId.startsWith(STAGE_PREFIX));
  for (const { tableId } of stages) await api.deleteTable(target.metaDataset, tableId);
  return stages.length;
}
