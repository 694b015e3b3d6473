/**
 * What a source declares. A source names its entities; an entity names its raw table, how to key a
 * record, and an async generator of units (a file, a page, a window) to land. The kit does the rest:
 * landing, hashing, state commits, quarantine, retries, metrics, progress.
 */
import type { HttpClient, HttpClientOptions } from './http/index.js';
import type { Logger } from './log.js';
import type { RawRecord } from './records/json-records.js';
import type { SecretStore } from './secrets.js';
import type { StateSchema } from './state.js';
import type { Warehouse } from './warehouse/warehouse.js';

export type SourceHttpOptions = Omit<HttpClientOptions, 'name' | 'logger'>;

export function httpOptionsFor(
  source: { http?: SourceHttpOptions | ((env: NodeJS.ProcessEnv) => SourceHttpOptions) },
  env: NodeJS.ProcessEnv,
): SourceHttpOptions | undefined {
  return typeof source.http === 'function' ? source.http(env) : source.http;
}

/** One configured account of a vendor: a Tock business, a Square merchant, a Toast restaurant. */
export interface SourceInstance<Config> {
  /** Lands as `_source_instance` on every row. */
  name: string;
  config: Config;
}

export type Configuration<Config> =
  { configured: true; instances: SourceInstance<Config>[] } | { configured: false; missing: string[] };

export interface Progress {
  /** What is being worked on, e.g. a file name or a window. */
  label?: string;
  rows?: number;
  /** Share of the entity's work done, 0..1, when known. */
  fraction?: number;
}

export interface EntityContext<Config, State> {
  instance: SourceInstance<Config>;
  /** The state committed with the last landed unit; undefined on a first or --full run. */
  state: State | undefined;
  full: boolean;
  http: HttpClient;
  log: Logger;
  signal: AbortSignal;
  /** Encrypted secrets kept in the warehouse (e.g. OAuth tokens); needs ELT_SECRET_KEY on first use. */
  secrets: SecretStore;
  /** Reports what is being worked on (e.g. the current window) and the share done; shown on the progress line. */
  progress(progress: Progress): void;
  /**
   * Set by `npm run elt -- backfill`: read this range (ms, half-open) instead of following the saved cursor.
   * `state` is then the backfill's own (which windows of this range are done), kept apart from the cursor.
   */
  backfill?: { from: number; to: number };
  /** Options for partial runs, set from the command line. */
  limits: RunLimits;
  /**
   * What an instance's entities share during one run (a login, the vendor's clock, a list of locations):
   * made by `make` on first use, the same object for every entity of this instance in this run.
   */
  shared: Shared;
}

/**
 * A memo for one run: `make` on first use of `key`, then the same object. Scope `instance` (default): per
 * account; `source`: one for every account of the source (a login that serves several accounts).
 */
export type Shared = <T>(key: string, make: () => T, scope?: 'instance' | 'source') => T;

export interface RunLimits {
  /** Stop each paged listing after this many pages; the cursor is not moved past what was read. */
  maxPages?: number;
  /** Read from this time (ms) instead of the saved cursor; the saved cursor never moves backwards. */
  since?: number;
}

export interface Unit<State> {
  origin: string;
  records: AsyncIterable<RawRecord>;
  /** The entity's state once this unit is landed; read when its records have been consumed. */
  state: State;
  /**
   * Parts left out of this unit because the vendor refused them (e.g. a day answering 400), each described
   * in one line; the state keeps them to be asked again, and the run reports the entity as degraded.
   */
  skipped?: string[];
}

export interface EntityDefinition<Config, State = unknown> {
  name: string;
  /** raw_<source>_<entity> */
  table: string;
  /** JSON path of the natural key inside a record. */
  keyPath: readonly string[];
  /** A group of entities selected together, e.g. `--only toast.cash` for cash entries and deposits. */
  part?: string;
  /** The entity reads `context.backfill` ranges (`npm run elt -- backfill <source>`). */
  backfill?: boolean;
  /** The shape and version of the state its units commit; saved state is checked (and migrated) against it. */
  state: StateSchema<State>;
  /** The same for a backfill's own state, when it differs. */
  backfillState?: StateSchema<unknown>;
  extract(context: EntityContext<Config, State>): AsyncIterable<Unit<State>>;
}

export interface CheckStep {
  name: string;
  ok: boolean;
  detail: string;
}

export interface CheckContext<Config> {
  instance: SourceInstance<Config>;
  http: HttpClient;
  log: Logger;
  signal: AbortSignal;
  secrets: SecretStore;
  shared: Shared;
}

/** A source's own subcommand of `npm run elt`, e.g. `npm run elt -- square-auth --code ...`. */
export interface SourceCommand {
  name: string;
  /** One line for --help. */
  summary: string;
  run(context: {
    args: string[];
    env: NodeJS.ProcessEnv;
    warehouse: Warehouse;
    secrets: SecretStore;
    log: Logger;
    print: (line: string) => void;
    signal: AbortSignal;
  }): Promise<number>;
}

export interface RunningSandbox {
  /** Environment that points this source at the sandbox, as a user's .env would. */
  env: Record<string, string>;
  /** Simulates the passage of time at the vendor (a new export, a day of changes); persists. */
  advance(): Promise<string>;
  close(): Promise<void>;
}

interface LoopbackSandbox {
  env(): Record<string, string>;
  advance(): Promise<void>;
  close(): Promise<void>;
}

/** A sandbox whose advance() says nothing, as a RunningSandbox: `said` tells where the vendor's time now is. */
export function runningSandbox<S extends LoopbackSandbox>(sandbox: S, said: (sandbox: S) => string): RunningSandbox {
  return {
    env: sandbox.env(),
    advance: async () => {
      await sandbox.advance();
      return said(sandbox);
    },
    close: () => sandbox.close(),
  };
}

export interface SourceDefinition<Config> {
  name: string;
  title: string;
  /** Reads the source's settings; says which variables are missing when it is not configured. */
  configure(env: NodeJS.ProcessEnv): Configuration<Config>;
  entities: readonly EntityDefinition<Config, unknown>[];
  /** Connectivity and credentials test that touches no data. */
  check(context: CheckContext<Config>): AsyncIterable<CheckStep>;
  /** Starts the loopback server that plays this vendor, for demo runs, tests and benchmarks. */
  startSandbox?(): Promise<RunningSandbox>;
  /** HTTP client options, fixed or read from the source's environment (e.g. a rate limit setting). */
  http?: SourceHttpOptions | ((env: NodeJS.ProcessEnv) => SourceHttpOptions);
  /**
   * Instances whose credentials live in the warehouse rather than the environment (e.g. merchants
   * authorised by OAuth): called before a run or check with the configured ones; returns the full list.
   */
  discoverInstances?(
    configured: SourceInstance<Config>[],
    context: { env: NodeJS.ProcessEnv; secrets: SecretStore },
  ): Promise<SourceInstance<Config>[]>;
  commands?: readonly SourceCommand[];
  /**
   * How much of the source runs at once: instances side by side (vendors that limit per account, like
   * Toast per restaurant) and entities of one instance side by side. Default one at a time, in order.
   */
  concurrency?(env: NodeJS.ProcessEnv): { instances: number; entities: number };
}
