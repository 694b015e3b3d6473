import http from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFaults, parseFaults, withFaults } from '../../extract/kit/sandbox/faults.js';
import { createRandom, hashSeed } from '../../extract/kit/sandbox/random.js';
import { sendJson, startLoopbackServer } from '../../extract/kit/sandbox/server.js';
import { dataSettings } from '../../extract/kit/sandbox/settings.js';
import { advanceState, loadState, saveState, stateStore } from '../../extract/kit/sandbox/state.js';

const tmpDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sandbox-kit-'));
  tmpDirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const d of tmpDirs) await rm(d, { recursive: true, force: true });
});

describe('random', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const r = createRandom(seed, 'x');
      return [
        r.uint32(),
        r.int(1, 6),
        r.id(10),
        r.pick(['a', 'b', 'c']),
        r.chance(0.5),
        r.uuid(),
        r.timestamp(0, 1e12),
        r.shuffle([1, 2, 3, 4, 5]),
      ];
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(hashSeed(1, 'ab', 'c')).not.toBe(hashSeed(1, 'a', 'bc'));
  });

  it('keeps helpers in range', () => {
    const r = createRandom(1);
    for (let i = 0; i < 10_000; i++) {
      const v = r.int(-3, 3);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(3);
    }
    expect(r.shuffle([1, 2, 3, 4, 5, 6]).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.digits(20)).toMatch(/^[1-9]\d{19}$/);
    expect(r.chance(0)).toBe(false);
    expect(r.chance(1)).toBe(true);
    const d = r.date(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2));
    expect(d.getTime()).toBeGreaterThanOrEqual(Date.UTC(2024, 0, 1));
    expect(d.getTime()).toBeLessThan(Date.UTC(2024, 0, 2));
  });
});

describe('faults', () => {
  it('parses the env-style string', () => {
    expect(parseFaults('error5xxRate=0.1,status429Burst=3,slowMs=200')).toEqual({
      error5xxRate: 0.1,
      status429Burst: 3,
      slowMs: 200,
    });
    expect(parseFaults('truncateBodies, malformedRecordRate=0.02')).toEqual({
      truncateBodies: true,
      malformedRecordRate: 0.02,
    });
    expect(parseFaults('truncateBodies=false')).toEqual({ truncateBodies: false });
    expect(parseFaults(undefined)).toEqual({});
    expect(() => parseFaults('error5xxRate=2')).toThrow(/between 0 and 1/);
    expect(() => parseFaults('bogus=1')).toThrow(/unknown fault/);
    expect(() => parseFaults('slowMs=abc')).toThrow(/not a non-negative number/);
    const f = { error5xxRate: 0.25, status429Burst: 2, truncateBodies: true };
    expect(parseFaults(formatFaults(f))).toEqual(f);
  });

  it('answers a 429 burst with Retry-After, then seeded 5xx', async () => {
    const run = async () => {
      const server = await startLoopbackServer(
        withFaults(
          (_req, res) => sendJson(res, 200, { ok: true }),
          { status429Burst: 2, error5xxRate: 0.5 },
          { seed: 9 },
        ),
      );
      try {
        const out: (number | string | null)[] = [];
        for (let i = 0; i < 12; i++) {
          const res = await fetch(server.url);
          await res.arrayBuffer();
          out.push(res.status);
          if (i < 2) out.push(res.headers.get('retry-after'));
        }
        return out;
      } finally {
        await server.close();
      }
    };
    const a = await run();
    expect(a.slice(0, 4)).toEqual([429, '1', 429, '1']);
    expect(a.slice(4)).toContain(200);
    expect(a.slice(4).some((s) => typeof s === 'number' && s >= 500)).toBe(true);
    expect(await run()).toEqual(a); // same seed, same order: same faults
  });

  it('truncates bodies and destroys the socket', async () => {
    const body = JSON.stringify({ data: 'x'.repeat(10_000) });
    const server = await startLoopbackServer(
      withFaults((_req, res) => sendJson(res, 200, JSON.parse(body)), { truncateBodies: true }),
    );
    try {
      const res = await fetch(server.url);
      expect(res.status).toBe(200);
      await expect(res.text()).rejects.toThrow();
    } finally {
      await server.close();
    }
  });

  it('delays answers with slowMs', async () => {
    const server = await startLoopbackServer(withFaults((_req, res) => sendJson(res, 200, {}), { slowMs: 150 }));
    try {
      const t0 = Date.now();
      await (await fetch(server.url)).text();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    } finally {
      await server.close();
    }
  });
});

describe('state', () => {
  it('loads defaults, saves, advances and persists', async () => {
    const dir = await tempDir();
    expect(await loadState('demo', { exports: 1 }, dir)).toEqual({ exports: 1 });
    await saveState('demo', { exports: 3 }, dir);
    expect(await loadState('demo', { exports: 1 }, dir)).toEqual({ exports: 3 });
    expect(await advanceState('demo', { exports: 1 }, (s) => ({ exports: s.exports + 1 }), dir)).toEqual({
      exports: 4,
    });
    const store = stateStore('demo', { exports: 1, extra: 'x' }, dir);
    expect(await store.load()).toEqual({ exports: 4, extra: 'x' });
    await store.advance((s) => {
      s.exports += 10;
    });
    expect(JSON.parse(await readFile(store.file, 'utf8'))).toEqual({ exports: 14, extra: 'x' });
  });

  it('refuses a corrupt state file and odd names', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'bad.json'), '{nope');
    await expect(loadState('bad', {}, dir)).rejects.toThrow(/not valid JSON/);
    await expect(loadState('../escape', {}, dir)).rejects.toThrow(/plain file name/);
  });
});

describe('loopback server', () => {
  it('answers 500 JSON when the handler throws or rejects', async () => {
    const server = await startLoopbackServer((req) => {
      if (req.url === '/sync') throw new Error('boom');
      return Promise.reject(new Error('async boom'));
    });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      for (const p of ['/sync', '/async']) {
        const res = await fetch(server.url + p);
        expect(res.status).toBe(500);
        expect(res.headers.get('content-type')).toMatch(/json/);
        expect((await res.json()) as unknown).toMatchObject({ error: 'internal_error' });
      }
    } finally {
      await server.close();
    }
  });

  it('closes promptly with idle keep-alive and hanging requests open', async () => {
    const server = await startLoopbackServer((req, res) => {
      if (req.url === '/hang') return; // never answers
      sendJson(res, 200, { ok: true });
    });
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http.get(`${server.url}/`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
    const hanging = new Promise<string>((resolve) => {
      http.get(`${server.url}/hang`, { agent }, () => resolve('answered')).on('error', () => resolve('cut'));
    });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await hanging).toBe('cut');
    agent.destroy();
  });
});

describe('dataSettings', () => {
  it('takes each setting given, else its default; seed 42 and the malformed-record rate come with them', () => {
    const defaults = { customers: 300, currencies: ['USD'] };
    const { data, faults } = dataSettings({ customers: 5, currencies: undefined, faults: {} }, defaults);
    expect(data).toEqual({ customers: 5, currencies: ['USD'], seed: 42, malformedRecordRate: 0 });
    expect(faults).toEqual({});
    const noisy = dataSettings({ seed: 7, faults: { malformedRecordRate: 0.1 } }, defaults);
    expect(noisy.data).toEqual({ customers: 300, currencies: ['USD'], seed: 7, malformedRecordRate: 0.1 });
  });
});
