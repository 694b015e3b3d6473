/**
 * ZetaSQL (BigQuery's SQL front end) offline: starts the analyser server shipped in the npm package
 * @fivetrandevelopers/zetasql, waits until its port accepts connections, and analyses statements against
 * a catalog of BigQuery tables. Unknown tables or columns, type errors and syntax BigQuery does not have
 * (PostgreSQL's ::, ->>, DISTINCT ON, ...) come back as errors with a line and column.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { LanguageOptions, TypeKind, ZetaSQLClient } from '@fivetrandevelopers/zetasql';
import type { ParamType } from '../../extract/kit/warehouse/bigquery/params.js';
import type { Field, FieldType } from '../../extract/kit/warehouse/bigquery/schema.js';

const require = createRequire(import.meta.url);

/** A ZetaSQL TypeProto, as plain JSON. */
export type ZType = { typeKind: string; arrayType?: { elementType: ZType }; structType?: { field: { fieldName: string; fieldType: ZType }[] } };

const KINDS: Record<FieldType | 'FLOAT64' | 'BOOL', string> = {
  STRING: 'TYPE_STRING',
  INT64: 'TYPE_INT64',
  FLOAT64: 'TYPE_DOUBLE',
  BOOL: 'TYPE_BOOL',
  TIMESTAMP: 'TYPE_TIMESTAMP',
  JSON: 'TYPE_JSON',
  DATE: 'TYPE_DATE',
  NUMERIC: 'TYPE_NUMERIC',
};

export function fieldType(type: FieldType): ZType {
  return { typeKind: KINDS[type] };
}

export function paramType(type: ParamType): ZType {
  if (typeof type === 'string') return { typeKind: KINDS[type] };
  if ('array' in type) return { typeKind: 'TYPE_ARRAY', arrayType: { elementType: paramType(type.array) } };
  return { typeKind: 'TYPE_STRUCT', structType: { field: type.struct.map(([fieldName, t]) => ({ fieldName, fieldType: paramType(t) })) } };
}

const KIND_NAMES = new Map<number, string>(Object.entries(TypeKind).map(([name, n]) => [n as number, name]));

/** An analyser's TypeProto (enums as numbers, unset fields as null) as a plain ZType. */
export function normalizeType(type: unknown): ZType {
  const t = type as { typeKind: number | string; arrayType?: { elementType: unknown } | null; structType?: { field: { fieldName: string; fieldType: unknown }[] } | null };
  const kind = typeof t.typeKind === 'number' ? (KIND_NAMES.get(t.typeKind) ?? String(t.typeKind)) : t.typeKind;
  if (kind === 'TYPE_ARRAY' && t.arrayType) return { typeKind: kind, arrayType: { elementType: normalizeType(t.arrayType.elementType) } };
  if (kind === 'TYPE_STRUCT' && t.structType) {
    return { typeKind: kind, structType: { field: t.structType.field.map((f) => ({ fieldName: f.fieldName, fieldType: normalizeType(f.fieldType) })) } };
  }
  return { typeKind: kind };
}

export interface CatalogTable {
  /** [project, dataset, table] */
  path: [string, string, string];
  columns: { name: string; type: ZType }[];
}

export function tableOf(pathParts: [string, string, string], fields: readonly Field[]): CatalogTable {
  return { path: pathParts, columns: fields.map((f) => ({ name: f.name, type: fieldType(f.type) })) };
}

/**
 * A catalog in which every table can be named both ways BigQuery allows: `project.dataset.table` (one
 * quoted path, as the loader writes it) and `project`.`dataset`.`table` (as dbt writes it).
 */
export function buildCatalog(tables: readonly CatalogTable[], languageOptions: unknown): unknown {
  const simple = (t: CatalogTable, name: string) => ({ name, column: t.columns.map((c) => ({ name: c.name, type: c.type })) });
  const projects = new Map<string, Map<string, CatalogTable[]>>();
  for (const t of tables) {
    const [project, dataset] = t.path;
    if (!projects.has(project)) projects.set(project, new Map());
    const datasets = projects.get(project)!;
    if (!datasets.has(dataset)) datasets.set(dataset, []);
    datasets.get(dataset)!.push(t);
  }
  return {
    name: 'bigquery',
    table: tables.map((t) => simple(t, t.path.join('.'))),
    catalog: [...projects].map(([project, datasets]) => ({
      name: project,
      catalog: [...datasets].map(([dataset, list]) => ({ name: dataset, table: list.map((t) => simple(t, t.path[2])) })),
    })),
    builtinFunctionOptions: { languageOptions },
  };
}

export interface AnalysisOk {
  ok: true;
  /** Output columns of a query. */
  columns: { name: string; type: ZType }[];
}
export interface AnalysisError {
  ok: false;
  error: string;
}

function binaryPath(): string {
  const lib = path.dirname(require.resolve('@fivetrandevelopers/zetasql'));
  const suffix = (process.arch.startsWith('arm') ? '_arm' : '') + (process.platform === 'darwin' ? '' : '.so');
  return path.join(lib, 'zetasql', `remote_server${suffix}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class ZetaSql {
  private constructor(
    private readonly child: ChildProcess,
    private readonly languageOptions: unknown,
  ) {}

  /** Starts the server and waits for its port (up to 60 s; a few more tries on a port lost to a race). */
  static async start(): Promise<ZetaSql> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const child = spawn(binaryPath(), ['localhost', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      let exited = false;
      child.once('exit', () => (exited = true));
      const deadline = Date.now() + 60_000;
      while (!exited && Date.now() < deadline && !(await portOpen(port))) await new Promise((r) => setTimeout(r, 50));
      if (exited || Date.now() >= deadline) {
        child.kill('SIGKILL');
        lastError = new Error(`the ZetaSQL server did not start on port ${port}: ${output.trim() || 'no output'}`);
        continue;
      }
      // Resolved ASTs of real models nest deeper than protobufjs decodes by default (100 levels).
      const protobuf = createRequire(require.resolve('@grpc/proto-loader'))('protobufjs') as { Reader: { recursionLimit: number }; util: { recursionLimit: number } };
      protobuf.Reader.recursionLimit = Math.max(protobuf.Reader.recursionLimit, 10_000);
      protobuf.util.recursionLimit = Math.max(protobuf.util.recursionLimit, 10_000);
      ZetaSQLClient.init(port);
      const languageOptions = (await new LanguageOptions().enableMaximumLanguageFeatures()).serialize() as Record<string, unknown>;
      // BigQuery is ZetaSQL's external product mode (INT64, FLOAT64, no INT32/UINT types).
      languageOptions.productMode = 'PRODUCT_EXTERNAL';
      return new ZetaSql(child, languageOptions);
    }
    throw lastError;
  }

  catalog(tables: readonly CatalogTable[]): unknown {
    return buildCatalog(tables, this.languageOptions);
  }

  /** Registers a catalog on the server once, for many analyses against it. */
  async register(tables: readonly CatalogTable[]): Promise<{ registeredId: string }> {
    const response = await ZetaSQLClient.getInstance().registerCatalog({ simpleCatalog: this.catalog(tables) as never });
    return { registeredId: String(response?.registeredId) };
  }

  /** Analyses one statement (query, DML, DDL) with named query parameters. */
  async analyze(sql: string, catalog: unknown, params: Record<string, ZType> = {}): Promise<AnalysisOk | AnalysisError> {
    const registered = (catalog as { registeredId?: string }).registeredId;
    try {
      const response = await ZetaSQLClient.getInstance().analyze({
        sqlStatement: sql,
        ...(registered ? { registeredCatalogId: registered } : { simpleCatalog: catalog as never }),
        options: {
          languageOptions: this.languageOptions as never,
          queryParameters: Object.entries(params).map(([name, type]) => ({ name, type: type as never })),
          parameterMode: 'PARAMETER_NAMED',
          errorMessageMode: 'ERROR_MESSAGE_ONE_LINE',
          defaultTimezone: 'UTC',
        },
      });
      const statement = response?.resolvedStatement;
      const query = statement?.resolvedQueryStmtNode;
      const columns = (query?.outputColumnList ?? []).map((c) => ({ name: c.name ?? '', type: normalizeType(c.column?.type) }));
      return { ok: true, columns };
    } catch (error) {
      return { ok: false, error: (error as { details?: string }).details ?? (error as Error).message };
    }
  }

  /** Parses a multi-statement script (DECLARE, BEGIN ... EXCEPTION ... END, SET, system variables). */
  async parseScript(sql: string): Promise<AnalysisOk | AnalysisError> {
    try {
      await ZetaSQLClient.getInstance().extractTableNamesFromStatement({ sqlStatement: sql, allowScript: true, options: this.languageOptions as never });
      return { ok: true, columns: [] };
    } catch (error) {
      return { ok: false, error: (error as { details?: string }).details ?? (error as Error).message };
    }
  }

  async stop(): Promise<void> {
    (ZetaSQLClient.API as unknown as { close(): void }).close();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}
