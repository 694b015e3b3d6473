/**
 * Tock: guest profiles and reservations from the data export (signed-URL files on Google Cloud Storage).
 * See docs/sources/tock.md. Each file is one landing unit: all of its good records with its state, or nothing.
 */
import { HttpError, type HttpClient } from '../../kit/http/index.js';
import { readJsonRecords } from '../../kit/records/json-records.js';
import { headerValue } from '../../kit/rest/index.js';
import { checkSteps } from '../../kit/check.js';
import { runningSandbox } from '../../kit/source.js';
import type { CheckContext, EntityContext, EntityDefinition, SourceDefinition, Unit } from '../../kit/source.js';
import { configureTock, type TockConfig } from './config.js';
import {
  listExportFiles,
  selectFiles,
  tockState,
  type ExportFile,
  type TockEntityName,
  type TockState,
} from './export-files.js';
import { startTockSandbox } from './sandbox/index.js';

/** Large files stream for minutes; only a stall this long (no bytes at all) counts as a timeout. */
const FILE_IDLE_TIMEOUT_MS = 120_000;

/** GCS answers an expired or otherwise refused signature with 400 or 403 (and an XML body). */
function isRefusedSignature(error: unknown): boolean {
  return error instanceof HttpError && error.kind === 'status' && (error.status === 400 || error.status === 403);
}

async function openFile(http: HttpClient, file: ExportFile, signal: AbortSignal) {
  return http.stream({ url: file.url, endpoint: 'tock.file', timeoutMs: FILE_IDLE_TIMEOUT_MS, signal });
}

function tockEntity(
  name: TockEntityName,
  table: string,
  keyPath: readonly string[],
): EntityDefinition<TockConfig, TockState> {
  return {
    name,
    table,
    keyPath,
    state: tockState,
    async *extract(context: EntityContext<TockConfig, TockState>): AsyncIterable<Unit<TockState>> {
      const { http, instance, signal, log } = context;
      let listing = await listExportFiles(http, instance.config, name, signal);
      const selected = selectFiles(listing, context.state, context.full);
      // No state on a first or --full run.
      const state: TockState = context.state
        ? structuredClone(context.state)
        : { initialLoadComplete: false, files: {} };
      log.info('export listed', { files: listing.length, selected: selected.map((f) => f.name).join(', ') || 'none' });
      let relisted = false;
      for (const [position, chosen] of selected.entries()) {
        // After a relisting, every later file must use the fresh listing's URL too.
        let file = listing.find((f) => f.name === chosen.name) ?? chosen;
        let response;
        try {
          response = await openFile(http, file, signal);
        } catch (error) {
          if (!isRefusedSignature(error) || relisted) throw error;
          // The signed URL expired while earlier files landed: list once more for fresh URLs.
          log.warn('signed URL refused; listing the export again', { file: file.name });
          relisted = true;
          listing = await listExportFiles(http, instance.config, name, signal);
          const fresh = listing.find((f) => f.name === file.name);
          if (!fresh) throw new Error(`${file.name} is no longer in the export listing`);
          file = fresh;
          response = await openFile(http, file, signal);
        }
        const etag = headerValue(response.headers, 'etag');
        const sizeHeader = headerValue(response.headers, 'content-length');
        const size = sizeHeader ? Number(sizeHeader) : undefined;
        const landed = state.files[file.name];
        const last = position === selected.length - 1;
        if (!context.full && landed && etag && landed.etag === etag) {
          // Same file, same content: nothing to land. Dropping the body stops the download.
          (response.body as NodeJS.ReadableStream & { destroy(): void }).destroy();
          log.info('already landed', { file: file.name });
          continue;
        }
        state.files[file.name] = { etag, size, landedAt: new Date().toISOString() };
        if (last) state.initialLoadComplete = true;
        yield { origin: file.name, records: readJsonRecords(response.body), state: structuredClone(state) };
      }
      if (selected.length === 0) log.info('no new export file');
    },
  };
}

/** Both exports listed, and the start of the newest file read: JSON, or the export is not what we read. */
const exportListing = ({ http, instance, signal, shared }: CheckContext<TockConfig>) =>
  shared('check-listing', async () => ({
    guests: await listExportFiles(http, instance.config, 'guest', signal),
    reservations: await listExportFiles(http, instance.config, 'reservation', signal),
  }));

const checkTock = checkSteps<TockConfig>([
  {
    name: 'list export',
    async run(context) {
      const { guests, reservations } = await exportListing(context);
      return `${guests.length} guest and ${reservations.length} reservation files`;
    },
  },
  {
    name: 'read a file',
    async run(context) {
      const { http, signal } = context;
      const { guests, reservations } = await exportListing(context);
      const sample = guests.at(-1) ?? reservations.at(-1);
      if (!sample) return 'the export lists no files yet';
      const response = await openFile(http, sample, signal);
      const body = response.body as NodeJS.ReadableStream & AsyncIterable<Buffer> & { destroy(): void };
      let first = Buffer.alloc(0);
      for await (const chunk of body) {
        first = Buffer.concat([first, chunk]);
        if (first.length >= 64) break;
      }
      body.destroy();
      const start = first.toString('utf8').trimStart().slice(0, 1);
      if (start !== '[' && start !== '{') throw new Error(`${sample.name} does not start with JSON`);
      return `${sample.name} starts with JSON`;
    },
  },
]);

export const tock: SourceDefinition<TockConfig> = {
  name: 'tock',
  title: 'Tock',
  configure: configureTock,
  entities: [
    // The profile `id` changes on every edit; the patron id is the guest's stable identity.
    tockEntity('guest', 'raw_tock_guest', ['patron', 'id']),
    // Edits keep the id and bump sequenceId (dbt orders versions by it).
    tockEntity('reservation', 'raw_tock_reservation', ['id']),
  ],
  check: checkTock,
  startSandbox: async () =>
    runningSandbox(await startTockSandbox(), (sandbox) => `the Tock sandbox now offers ${sandbox.exports()} exports`),
};
