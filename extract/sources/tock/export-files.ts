/**
 * The export listing and which of its files to land. The listing is remote input: file URLs are accepted
 * only on Google Cloud Storage or hosts the user named, and file names must look like Tock's.
 */
import { z } from 'zod';
import { headerAuth, type Auth, type HttpClient } from '../../kit/http/index.js';
import { redactedUrl } from '../../kit/redact.js';
import type { StateSchema } from '../../kit/state.js';
import type { TockConfig } from './config.js';

export type TockEntityName = 'guest' | 'reservation';

export interface ExportFile {
  name: string;
  number: number;
  url: string;
}

const landedFile = z.object({ etag: z.string().optional(), size: z.number().optional(), landedAt: z.string() });

const tockStateShape = z.object({
  /** True once every file of the first listing has landed; from then on only the newest file is taken. */
  initialLoadComplete: z.boolean(),
  /** Landed files by name. */
  files: z.record(z.string(), landedFile),
});

export type TockState = z.infer<typeof tockStateShape>;

/** Version 1 is the shape saved before states carried a version, unchanged. */
export const tockState: StateSchema<TockState> = {
  version: 1,
  schema: tockStateShape,
  migrations: { 0: (unversioned) => unversioned },
};

const FILE_PATTERN: Record<TockEntityName, RegExp> = {
  guest: /^guest-profile-(\d+)\.json$/,
  reservation: /^reservation-(\d+)\.json$/,
};

const LISTING_FIELD: Record<TockEntityName, 'guestDataUrls' | 'reservationDataUrls'> = {
  guest: 'guestDataUrls',
  reservation: 'reservationDataUrls',
};

export class TockListingError extends Error {
  override name = 'TockListingError';
}

function hostAllowed(url: URL, config: TockConfig): boolean {
  const host = url.hostname.toLowerCase();
  if (url.protocol === 'https:' && (host === 'storage.googleapis.com' || host.endsWith('.storage.googleapis.com')))
    return true;
  return config.allowedFileHosts.includes(host) || config.allowedFileHosts.includes(url.host.toLowerCase());
}

export function parseExportFile(raw: unknown, entity: TockEntityName, config: TockConfig): ExportFile {
  if (typeof raw !== 'string')
    throw new TockListingError(`the export listing holds a ${typeof raw} where a file URL was expected`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TockListingError(`the export listing holds an invalid URL: ${redactedUrl(raw).slice(0, 200)}`);
  }
  if (!hostAllowed(url, config)) {
    throw new TockListingError(
      `refusing export file URL on host "${url.host}": ` +
        'only storage.googleapis.com (https) and hosts in TOCK_ALLOWED_FILE_HOSTS are accepted',
    );
  }
  let name: string;
  try {
    name = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  } catch {
    throw new TockListingError(
      `the export listing holds a file URL with a malformed name: ${redactedUrl(raw).slice(0, 200)}`,
    );
  }
  const match = FILE_PATTERN[entity].exec(name);
  if (!match) throw new TockListingError(`unexpected ${entity} export file name "${name}"`);
  return { name, number: Number(match[1]), url: url.toString() };
}

/** The listing's credentials; the signed file URLs carry their own and get none. */
function listingAuth(config: TockConfig): Auth {
  return headerAuth(
    { 'X-Tock-Authorization': config.auth, 'X-Tock-Scope': config.scope },
    (error) =>
      new TockListingError(`Tock refused the credentials (HTTP ${error.status}): check X_TOCK_AUTH and X_TOCK_SCOPE.`),
  );
}

/** Lists the export and returns the entity's files in ascending number. */
export async function listExportFiles(
  http: HttpClient,
  config: TockConfig,
  entity: TockEntityName,
  signal?: AbortSignal,
): Promise<ExportFile[]> {
  const response = await http.json<{ result?: Record<string, unknown> }>({
    url: `${config.apiUrl}/api/data/export/urls`,
    endpoint: 'tock.listing',
    auth: listingAuth(config),
    signal,
  });
  const urls = response.body?.result?.[LISTING_FIELD[entity]];
  if (!Array.isArray(urls)) {
    throw new TockListingError(`the export listing has no result.${LISTING_FIELD[entity]} array`);
  }
  const files = urls.map((u) => parseExportFile(u, entity, config));
  return files.sort((a, b) => a.number - b.number);
}

/**
 * Initial load (until every listed file has landed once): every file not landed yet, ascending.
 * Incremental: only the highest-numbered file. --full: every file again.
 */
export function selectFiles(files: readonly ExportFile[], state: TockState | undefined, full: boolean): ExportFile[] {
  if (full || !state) return [...files];
  if (!state.initialLoadComplete) return files.filter((f) => !state.files[f.name]);
  const newest = files.at(-1);
  return newest ? [newest] : [];
}
