/** The declarative sandbox kit over real sockets: routing, auth, 429s from the token bucket, faults, advance(). */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../extract/kit/http/index.js';
import { silentLogger } from '../../extract/kit/log.js';
import { startSandbox, type SandboxDeclaration } from '../../extract/kit/sandbox/declared.js';
import { listReply, pageNumberSlice, isReply, startRoutes } from '../../extract/kit/sandbox/routes.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

interface Shop {
  day: number;
  limited: boolean;
}

const shop: SandboxDeclaration<Shop> = {
  name: 'shop',
  initial: { day: 0, limited: false },
  spec: (state, { faults }) => ({
    faults,
    seed: 3,
    auth: (req) => (req.headers['x-key'] === 'k' ? undefined : { json: { error: 'bad key' } }),
    rateLimit: () => (state().limited ? { requestsPerSecond: 2, headers: (waitMs) => ({ 'x-reset-ms': String(waitMs), 'retry-after': '1' }) } : undefined),
    routes: [
      {
        method: 'GET',
        path: '/days/:n/items',
        handle(req) {
          const slice = pageNumberSlice(req, { size: 'size', defaultSize: 2, maxSize: 2 });
          if (isReply(slice)) return slice;
          const items = Array.from({ length: 5 }, (_, i) => ({ id: i, day: Number(req.params.n), today: state().day }));
          return listReply(items.slice(slice.start, slice.start + slice.count), { key: 'items' });
        },
      },
    ],
  }),
  env: (url) => ({ SHOP_URL: url }),
  advance: (s) => ({ state: { ...s, day: s.day + 1 }, said: `shop moved to day ${s.day + 1}` }),
};

async function started(options: Parameters<typeof startSandbox>[1] = {}) {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'routes-'));
  dirs.push(stateDir);
  return { stateDir, sandbox: await startSandbox(shop, { faults: {}, ...options, stateDir }) };
}

const client = () => new HttpClient({ name: 'shop', logger: silentLogger, retry: { attempts: 9, baseDelayMs: 10, maxDelayMs: 50 } });

describe('declared sandboxes', () => {
  it('routes with params, pages, checks auth and says 404 for unknown paths', async () => {
    const { sandbox } = await started();
    try {
      const http = client();
      const page = await http.json<{ items: { day: number }[] }>({ url: `${sandbox.url}/days/7/items?page=3`, endpoint: 'items', headers: { 'x-key': 'k' } });
      expect(page.body.items).toEqual([{ id: 4, day: 7, today: 0 }]);
      await expect(http.json({ url: `${sandbox.url}/days/7/items`, endpoint: 'items', headers: { 'x-key': 'no' } })).rejects.toMatchObject({ status: 401 });
      await expect(http.json({ url: `${sandbox.url}/nowhere`, endpoint: 'x', headers: { 'x-key': 'k' } })).rejects.toMatchObject({ status: 404 });
      await expect(http.json({ url: `${sandbox.url}/days/1/items?page=0`, endpoint: 'x', headers: { 'x-key': 'k' } })).rejects.toMatchObject({ status: 400 });
    } finally {
      await sandbox.close();
    }
  });

  it('answers 429 with its reset headers beyond the limit, and the client waits and gets through', async () => {
    const { sandbox, stateDir } = await started();
    await sandbox.close();
    const { saveState } = await import('../../extract/kit/sandbox/state.js');
    await saveState('shop', { day: 0, limited: true }, stateDir);
    const limited = await startSandbox(shop, { faults: {}, stateDir });
    try {
      const raw = await Promise.all([0, 1, 2].map(() => fetch(`${limited.url}/days/1/items`, { headers: { 'x-key': 'k' } })));
      const refused = raw.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expect(Number(refused[0]!.headers.get('x-reset-ms'))).toBeGreaterThan(0);
      const http = client();
      const answers = await Promise.all([0, 1, 2, 3].map(() => http.json({ url: `${limited.url}/days/1/items`, endpoint: 'items', headers: { 'x-key': 'k' } })));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(http.metrics()[0]!.throttled).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('applies the fault switches', async () => {
    const { sandbox } = await started({ faults: { status429Burst: 2 } });
    try {
      const first = await fetch(`${sandbox.url}/days/1/items`, { headers: { 'x-key': 'k' } });
      expect(first.status).toBe(429);
    } finally {
      await sandbox.close();
    }
  });

  it('advance() moves the vendor on and the next start sees it', async () => {
    const { sandbox, stateDir } = await started();
    expect(await sandbox.advance()).toBe('shop moved to day 1');
    await sandbox.close();
    const again = await startSandbox(shop, { faults: {}, stateDir });
    try {
      expect(again.state().day).toBe(1);
      expect(again.env).toEqual({ SHOP_URL: again.url });
    } finally {
      await again.close();
    }
  });
});

describe('route replies', () => {
  it('sends a stream reply as it is read (chunked), and injected faults with the declared body', async () => {
    let made = 0;
    function* parts() {
      for (let i = 0; i < 3; i++) {
        made++;
        yield `part ${i};`;
      }
    }
    const server = await startRoutes({
      routes: [{ method: 'GET', path: '/file', handle: () => ({ stream: Readable.from(parts()), headers: { etag: '"e1"' } }) }],
      faults: { status429Burst: 1 },
      faultBody: (status) => ({ contentType: 'application/xml', body: `<Error><Code>${status}</Code></Error>` }),
    });
    try {
      const refused = await fetch(`${server.url}/file`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toBe('application/xml');
      expect(await refused.text()).toBe('<Error><Code>429</Code></Error>');
      expect(made).toBe(0);
      const res = await fetch(`${server.url}/file`);
      expect(res.status).toBe(200);
      expect(res.headers.get('transfer-encoding')).toBe('chunked');
      expect(res.headers.get('etag')).toBe('"e1"');
      expect(await res.text()).toBe('part 0;part 1;part 2;');
      expect(made).toBe(3);
    } finally {
      await server.close();
    }
  });
});
