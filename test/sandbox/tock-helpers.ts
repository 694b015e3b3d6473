import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  startTockSandbox,
  type TockSandbox,
  type TockSandboxOptions,
} from '../../extract/sources/tock/sandbox/index.js';

export interface Listing {
  guestDataUrls: string[];
  reservationDataUrls: string[];
}

const cleanups: (() => Promise<void>)[] = [];

/** A sandbox with its own temp state dir; call cleanupAll() in afterAll/afterEach. */
export async function sandbox(options: TockSandboxOptions = {}): Promise<TockSandbox & { stateDir: string }> {
  const stateDir = options.stateDir ?? (await mkdtemp(path.join(os.tmpdir(), 'tock-sandbox-')));
  const sb = await startTockSandbox({ faults: {}, ...options, stateDir });
  cleanups.push(async () => {
    await sb.close();
    if (!options.stateDir) await rm(stateDir, { recursive: true, force: true });
  });
  return Object.assign(sb, { stateDir });
}

export async function cleanupAll(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!();
}

export function authHeaders(sb: TockSandbox, business = 1): Record<string, string> {
  const env = sb.env(business);
  return { 'X-Tock-Authorization': env.X_TOCK_AUTH!, 'X-Tock-Scope': env.X_TOCK_SCOPE! };
}

export async function list(sb: TockSandbox, business = 1): Promise<Listing> {
  const res = await fetch(`${sb.env(business).TOCK_API_URL}/api/data/export/urls`, {
    headers: authHeaders(sb, business),
  });
  if (res.status !== 200) throw new Error(`listing answered ${res.status}`);
  const body = (await res.json()) as { result: Listing };
  return body.result;
}

/** N of .../guest-profile-N.json?... */
export function fileNumber(url: string): number {
  return Number(/-(\d+)\.json\?/.exec(url)?.[1]);
}

export function urlFor(urls: string[], n: number): string {
  const u = urls.find((x) => fileNumber(x) === n);
  if (!u) throw new Error(`no url for file ${n}`);
  return u;
}

/** JSON.parse that keeps ids above 2^53 exact: bare long integers become strings first (test data only). */
export function parseKeepingBigInts(text: string): unknown {
  return JSON.parse(text.replace(/([:[,])(-?\d{16,})(?=[,\]}])/g, '$1"$2"'));
}

export type Rec = Record<string, unknown>;
export const idText = (v: unknown): string => String(v);
