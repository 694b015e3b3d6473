import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, HttpError, type Clock, type HttpClientOptions } from '../../extract/kit/http/index.js';
import { createLogger } from '../../extract/kit/log.js';
import { registerSecret } from '../../extract/kit/redact.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, hit: number) => void;

interface TestServer {
  base: string;
  hits: () => number;
  seen: http.IncomingMessage[];
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real loopback server; `handler` sees the 1-based hit number so it can script faults. */
async function serve(handler: Handler): Promise<TestServer> {
  let hits = 0;
  const seen: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    hits += 1;
    seen.push(req);
    handler(req, res, hits);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, seen };
}

const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** Fake time: sleeps are recorded and advance the clock at once. */
function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms) };
}

function logCapture() {
  const lines: string[] = [];
  return {
    lines,
    logger: createLogger({ format: 'json', level: 'debug', sink: { write: (line) => lines.push(line) } }),
  };
}

function client(overrides: Partial<HttpClientOptions> = {}) {
  const log = logCapture();
  const time = fakeClock();
  const http = new HttpClient({
    name: 'test',
    logger: log.logger,
    clock: time.clock,
    random: () => 0.5,
    retry: { baseDelayMs: 100, attempts: 4 },
    ...overrides,
  });
  return { http, lines: log.lines, ...time };
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe('HttpClient', () => {
  it('returns parsed JSON and sends query, headers and body', async () => {
    const server = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => sendJson(res, 200, { url: req.url, header: req.headers['x-test'], body: JSON.parse(body) }));
    });
    const { http } = client();
    const response = await http.json<{ url: string; header: string; body: unknown }>({
      method: 'POST',
      url: `${server.base}/items`,
      endpoint: 'items',
      headers: { 'X-Test': 'yes' },
      searchParams: { page: 2, all: true, skip: undefined },
      json: { a: 1 },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ url: '/items?page=2&all=true', header: 'yes', body: { a: 1 } });
  });

  it('retries a 503 with jittered exponential backoff, then succeeds', async () => {
    const server = await serve((_req, res, hit) =>
      hit <= 2 ? sendJson(res, 503, { busy: true }) : sendJson(res, 200, { ok: 1 }),
    );
    const { http, sleeps, lines } = client();
    const response = await http.json({ url: `${server.base}/x`, endpoint: 'x' });
    expect(response.body).toEqual({ ok: 1 });
    expect(server.hits()).toBe(3);
    // random 0.5 of a ceiling of 100, then 200
    expect(sleeps).toEqual([50, 100]);
    const warns = lines.map((line) => JSON.parse(line)).filter((entry) => entry.level === 'warn');
    expect(warns).toHaveLength(2);
    expect(warns[0]).toMatchObject({
      msg: 'retrying HTTP request',
      source: 'test',
      endpoint: 'x',
      attempt: 1,
      delayMs: 50,
      reason: 'HTTP 503',
    });
  });

  it('waits at least Retry-After seconds on a 429', async () => {
    const server = await serve((_req, res, hit) =>
      hit === 1 ? sendJson(res, 429, {}, { 'retry-after': '7' }) : sendJson(res, 200, {}),
    );
    const { http, sleeps } = client({ random: () => 0 });
    await http.json({ url: server.base, endpoint: 'x' });
    expect(sleeps).toEqual([7000]);
  });

  it('429s that say how long to wait spend a time budget, not attempts: a long burst passes', async () => {
    // Three throttled answers, then two 503s, then success: 3 attempts are enough for the two failures.
    const server = await serve((_req, res, hit) =>
      hit <= 3
        ? sendJson(res, 429, {}, { 'retry-after': '1' })
        : hit <= 5
          ? sendJson(res, 503, {})
          : sendJson(res, 200, { ok: true }),
    );
    const { http, sleeps } = client({ random: () => 0, retry: { attempts: 3, baseDelayMs: 10 } });
    expect((await http.json({ url: server.base, endpoint: 'x' })).body).toEqual({ ok: true });
    expect(server.hits()).toBe(6);
    expect(sleeps).toEqual([1000, 1000, 1000, 0, 0]);
  });

  it('a 429 without a wait still uses an attempt; a throttle beyond the time budget fails in a sentence', async () => {
    const bare = await serve((_req, res) => sendJson(res, 429, {}));
    const { http } = client({ random: () => 0, retry: { attempts: 2, baseDelayMs: 1 } });
    await failure(http.json({ url: bare.base, endpoint: 'x' }));
    expect(bare.hits()).toBe(2);
    const endless = await serve((_req, res) => sendJson(res, 429, {}, { 'retry-after': '30' }));
    const limited = client({ random: () => 0, retry: { attempts: 2, baseDelayMs: 1, throttledWaitMs: 60_000 } });
    const error = await failure(limited.http.json({ url: endless.base, endpoint: 'x' }));
    expect(error.message).toMatch(/HTTP 429: still throttled after waiting 60 s as the server asked/);
    expect(endless.hits()).toBe(3);
    expect(limited.sleeps).toEqual([30_000, 30_000]);
  });

  it('accepts Retry-After as an HTTP date', async () => {
    const { http, sleeps, clock } = client({ random: () => 0 });
    const retryAt = new Date(clock.now() + 3000).toUTCString(); // the fake clock starts on a whole second
    const server = await serve((_req, res, hit) =>
      hit === 1 ? sendJson(res, 503, {}, { 'retry-after': retryAt }) : sendJson(res, 200, {}),
    );
    await http.json({ url: server.base, endpoint: 'x' });
    expect(sleeps).toEqual([3000]);
  });

  it('waits until X-Toast-RateLimit-Reset (epoch seconds) on a 429', async () => {
    const { http, sleeps, clock } = client({ random: () => 0 });
    const resetAt = Math.floor(clock.now() / 1000) + 12;
    const server = await serve((_req, res, hit) =>
      hit === 1
        ? sendJson(res, 429, { status: 429 }, { 'x-toast-ratelimit-reset': String(resetAt) })
        : sendJson(res, 200, {}),
    );
    await http.json({ url: server.base, endpoint: 'toast.orders' });
    expect(sleeps).toEqual([12_000]);
    expect(http.metrics()[0]).toMatchObject({ endpoint: 'toast.orders', requests: 2, throttled: 1, retries: 1 });
  });

  it('fails clearly instead of waiting longer than the cap', async () => {
    const server = await serve((_req, res) => sendJson(res, 429, {}, { 'retry-after': '600' }));
    const { http, sleeps } = client();
    const error = await failure(http.json({ url: server.base, endpoint: 'x' }));
    expect(error).toMatchObject({ kind: 'status', status: 429, retryable: true });
    expect(error.message).toContain('wait 600 s');
    expect(server.hits()).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('a 429 pauses every caller on the same rate key, not other keys', async () => {
    const server = await serve((_req, res, hit) =>
      hit === 1 ? sendJson(res, 429, {}, { 'retry-after': '5' }) : sendJson(res, 200, {}),
    );
    const { http, sleeps } = client({ retry: { attempts: 1, throttledWaitMs: 0 } });
    await failure(http.json({ url: server.base, endpoint: 'x', rateKey: 'r1' }));
    await http.json({ url: server.base, endpoint: 'x', rateKey: 'r2' });
    expect(sleeps).toEqual([]);
    await http.json({ url: server.base, endpoint: 'x', rateKey: 'r1' });
    expect(sleeps).toEqual([5000]);
  });

  it('does not retry a 401 and keeps secrets out of the error', async () => {
    const token = 'tok_live_5ecret_value';
    registerSecret(token);
    const server = await serve((_req, res) => sendJson(res, 401, { error: `token ${token} is not valid` }));
    const { http, sleeps } = client();
    const error = await failure(
      http.json({
        url: `${server.base}/v1/orders`,
        endpoint: 'orders',
        headers: { authorization: `Bearer ${token}`, 'x-tock-authorization': 'unregistered-jwt-value' },
      }),
    );
    expect(server.hits()).toBe(1);
    expect(sleeps).toEqual([]);
    expect(error).toMatchObject({ kind: 'status', status: 401, retryable: false, endpoint: 'orders' });
    expect(error.bodySnippet).toBe('{"error":"token [redacted] is not valid"}');
    expect(error.cause).toBeUndefined();
    const everything = `${error.message} ${error.stack} ${JSON.stringify(error)}`;
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('unregistered-jwt-value');
    expect(error.message).toContain('HTTP 401');
  });

  it('cuts a redacted body snippet to 300 characters', async () => {
    const secret = 'client-secret-abc123';
    registerSecret(secret);
    const server = await serve((_req, res) => {
      res.writeHead(400);
      res.end(`${'x'.repeat(290)}${secret}${'y'.repeat(500)}`);
    });
    const { http } = client();
    const error = await failure(http.text({ url: server.base, endpoint: 'x' }));
    expect(error.bodySnippet).toHaveLength(300);
    expect(error.bodySnippet).not.toContain(secret.slice(0, 10));
  });

  it('retries when the server destroys the socket', async () => {
    const server = await serve((req, res, hit) =>
      hit === 1 ? req.socket.destroy() : sendJson(res, 200, { ok: true }),
    );
    const { http, lines } = client();
    const response = await http.json({ url: server.base, endpoint: 'x' });
    expect(response.body).toEqual({ ok: true });
    expect(server.hits()).toBe(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', reason: 'ECONNRESET' });
  });

  it('throws a retryable HttpError when retries are exhausted', async () => {
    const server = await serve((_req, res) => sendJson(res, 503, { error: 'down' }));
    const { http } = client({ retry: { attempts: 3, baseDelayMs: 1 } });
    const error = await failure(http.json({ url: server.base, endpoint: 'x' }));
    expect(error).toMatchObject({ kind: 'status', status: 503, retryable: true, bodySnippet: '{"error":"down"}' });
    expect(server.hits()).toBe(3);
    expect(http.metrics()).toEqual([
      expect.objectContaining({ endpoint: 'x', requests: 3, failures: 3, retries: 2, throttled: 0, circuit: 'closed' }),
    ]);
  });

  it('times out an attempt that gets no answer', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const { http } = client({ retry: { attempts: 1 }, timeoutMs: 50 });
    const error = await failure(http.text({ url: server.base, endpoint: 'slow' }));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('opens the circuit after consecutive failures, fails fast, half-opens and closes on success', async () => {
    let healthy = false;
    const server = await serve((_req, res) => (healthy ? sendJson(res, 200, { ok: 1 }) : sendJson(res, 503, {})));
    const { http, advance, lines } = client({
      retry: { attempts: 2 },
      circuit: { failureThreshold: 2, resetAfterMs: 10_000 },
    });
    const call = () => http.json({ url: server.base, endpoint: 'listing' });

    await failure(call());
    expect(http.circuitState('listing')).toBe('closed');
    await failure(call());
    expect(http.circuitState('listing')).toBe('open');
    expect(server.hits()).toBe(4);
    expect(lines.some((line) => line.includes('circuit opened'))).toBe(true);

    const fast = await failure(call());
    expect(fast).toMatchObject({ kind: 'circuit_open', endpoint: 'listing' });
    expect(server.hits()).toBe(4);

    advance(10_000);
    expect(http.circuitState('listing')).toBe('half-open');
    healthy = true;
    await expect(call()).resolves.toMatchObject({ body: { ok: 1 } });
    expect(http.circuitState('listing')).toBe('closed');
    expect(server.hits()).toBe(5);
    expect(http.metrics()[0]).toMatchObject({ circuit: 'closed', requests: 5, failures: 4 });
  });

  it('reopens when the half-open trial fails, and 4xx answers never open it', async () => {
    const server = await serve((req, res) =>
      req.url === '/missing' ? sendJson(res, 404, {}) : sendJson(res, 502, {}),
    );
    const { http, advance } = client({ retry: { attempts: 1 }, circuit: { failureThreshold: 1, resetAfterMs: 1000 } });

    for (let i = 0; i < 3; i++) await failure(http.json({ url: `${server.base}/missing`, endpoint: 'lookup' }));
    expect(http.circuitState('lookup')).toBe('closed');

    await failure(http.json({ url: server.base, endpoint: 'bad' }));
    expect(http.circuitState('bad')).toBe('open');
    advance(1000);
    expect(http.circuitState('bad')).toBe('half-open');
    await failure(http.json({ url: server.base, endpoint: 'bad' }));
    expect(http.circuitState('bad')).toBe('open');
    expect(server.hits()).toBe(5);
  });

  it('limits per rate key independently, and per endpoint + key', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, {}));
    const time = fakeClock(0);
    const http = new HttpClient({
      name: 'toast',
      logger: logCapture().logger,
      clock: time.clock,
      keyRateLimit: { requestsPerSecond: 1 },
      endpointRateLimits: { 'toast.ordersBulk': { requestsPerSecond: 5 } },
    });
    const call = (endpoint: string, rateKey: string) => http.json({ url: server.base, endpoint, rateKey });
    await call('toast.menus', 'a');
    await call('toast.menus', 'a'); // waits a full second for key a
    await call('toast.menus', 'b'); // key b has its own bucket
    expect(time.sleeps).toEqual([1000]);

    time.sleeps.length = 0;
    const bulk = new HttpClient({
      name: 'toast',
      logger: logCapture().logger,
      clock: time.clock,
      endpointRateLimits: { 'toast.ordersBulk': { requestsPerSecond: 5 } },
    });
    await bulk.json({ url: server.base, endpoint: 'toast.ordersBulk', rateKey: 'c' });
    await bulk.json({ url: server.base, endpoint: 'toast.ordersBulk', rateKey: 'c' }); // 5/s for c
    await bulk.json({ url: server.base, endpoint: 'toast.ordersBulk', rateKey: 'd' }); // d counts apart
    await bulk.json({ url: server.base, endpoint: 'toast.menus', rateKey: 'c' }); // other endpoints unlimited
    expect(time.sleeps).toEqual([200]);
    expect(server.hits()).toBe(7);
  });

  it('redacts a signed URL from errors and log lines', async () => {
    const server = await serve((_req, res, hit) => {
      res.writeHead(hit === 1 ? 503 : 403, { 'content-type': 'application/xml' });
      res.end('<Error><Code>ExpiredToken</Code></Error>');
    });
    const signed =
      `${server.base}/bucket/guest-profile-1.json?X-Goog-Algorithm=GOOG4-RSA-SHA256` +
      '&X-Goog-Credential=svc%40proj.iam.gserviceaccount.com&X-Goog-Expires=900&X-Goog-Signature=0123456789abcdef';
    const { http, lines } = client();
    const error = await failure(http.stream({ url: signed, endpoint: 'tock.file' }));
    expect(error).toMatchObject({ kind: 'status', status: 403 });
    expect(error.url).toBe(`${server.base}/bucket/guest-profile-1.json?[signed query redacted]`);
    expect(error.bodySnippet).toContain('ExpiredToken');
    expect(lines).toHaveLength(1);
    for (const text of [error.message, error.url, lines[0]!]) {
      expect(text).toContain('[signed query redacted]');
      expect(text).not.toContain('0123456789abcdef');
      expect(text).not.toContain('X-Goog-Credential');
    }
  });

  it('stream() retries a 503 before headers and hands back the body', async () => {
    const server = await serve((_req, res, hit) => {
      if (hit === 1) return sendJson(res, 503, {});
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"n":1}\n');
      setTimeout(() => res.end('{"n":2}\n'), 5);
    });
    const { http } = client();
    const response = await http.stream({ url: server.base, endpoint: 'export' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson');
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('{"n":1}\n{"n":2}\n');
    expect(server.hits()).toBe(2);
    expect(http.metrics()[0]).toMatchObject({ requests: 2, failures: 1, retries: 1 });
  });

  it('stream() surfaces a body cut off after headers as a redacted HttpError', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const { http } = client();
    const response = await http.stream({ url: `${server.base}/f?X-Goog-Signature=abcdef123456`, endpoint: 'file' });
    const error = await failure(
      (async () => {
        for await (const chunk of response.body) expect(String(chunk)).toBe('partial');
      })(),
    );
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(error.message).not.toContain('abcdef123456');
  });

  it('stream() keeps a body cut before the caller reads it for the first read, not the process', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial', () => setTimeout(() => res.socket?.destroy(), 5));
    });
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      const { http } = client();
      const response = await http.stream({ url: `${server.base}/f`, endpoint: 'file' });
      // The caller is busy elsewhere (a unit waits for its transaction) while the connection is cut.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const error = await failure(
        (async () => {
          for await (const chunk of response.body) expect(String(chunk)).toBe('partial');
        })(),
      );
      expect(error).toMatchObject({ kind: 'network', endpoint: 'file' });
    } finally {
      process.off('uncaughtException', record);
    }
    expect(uncaught).toEqual([]);
  });

  it('keeps per-endpoint metrics', async () => {
    const server = await serve((req, res, hit) =>
      req.url === '/a' && hit === 1 ? sendJson(res, 429, {}, { 'retry-after': '1' }) : sendJson(res, 200, {}),
    );
    const { http, clock } = client();
    await http.json({ url: `${server.base}/a`, endpoint: 'a' });
    await http.json({ url: `${server.base}/b`, endpoint: 'b' });
    await http.json({ url: `${server.base}/b`, endpoint: 'b' });
    expect(http.metrics()).toEqual([
      {
        endpoint: 'a',
        requests: 2,
        failures: 1,
        throttled: 1,
        retries: 1,
        totalLatencyMs: 0,
        maxLatencyMs: 0,
        circuit: 'closed',
        lastSuccessAt: new Date(clock.now()),
      },
      {
        endpoint: 'b',
        requests: 2,
        failures: 0,
        throttled: 0,
        retries: 0,
        totalLatencyMs: 0,
        maxLatencyMs: 0,
        circuit: 'closed',
        lastSuccessAt: new Date(clock.now()),
      },
    ]);
  });

  it('aborts an in-flight request', async () => {
    const controller = new AbortController();
    const server = await serve(() => controller.abort());
    const { http } = client();
    const error = await failure(http.text({ url: server.base, endpoint: 'x', signal: controller.signal }));
    expect(error).toMatchObject({ kind: 'aborted', retryable: false });
    expect(server.hits()).toBe(1);
    expect(http.metrics()[0]).toMatchObject({ requests: 1, failures: 0 });
  });

  it('aborts a backoff wait (real clock)', async () => {
    const controller = new AbortController();
    const server = await serve((_req, res) => {
      sendJson(res, 503, {}, { 'retry-after': '60' });
      res.on('finish', () => setTimeout(() => controller.abort(), 5));
    });
    const http = new HttpClient({ name: 't', logger: logCapture().logger });
    const error = await failure(http.text({ url: server.base, endpoint: 'x', signal: controller.signal }));
    expect(error.kind).toBe('aborted');
    expect(server.hits()).toBe(1);
    expect(http.circuitState('x')).toBe('closed');
  });
});

describe('HttpClient: adaptive throttling, per-attempt circuit, error bodies in a 2xx', () => {
  it('slows down an endpoint whose attempts keep failing, and says so', async () => {
    const server = await serve((_req, res, hit) =>
      hit <= 6 ? sendJson(res, 503, {}) : sendJson(res, 200, { ok: true }),
    );
    const { http, sleeps, lines } = client({
      random: () => 0,
      retry: { attempts: 9, baseDelayMs: 1 },
      adaptive: { minSamples: 2, baseSpacingMs: 50, perFailureShareMs: 200, maxSpacingMs: 400 },
    });
    await expect(http.json({ url: server.base, endpoint: 'x' })).resolves.toMatchObject({ body: { ok: true } });
    expect(lines.some((l) => l.includes('slowing down: high failure ratio'))).toBe(true);
    // Backoff sleeps are 0 (random 0): every wait here is the adaptive spacing, 50 ms + 200 ms x the failure
    // ratio, which stays 100% while the six failures last.
    expect(sleeps.filter((ms) => ms > 0)).toEqual([250, 250, 250, 250]);
  });

  it("perAttempt: a dead endpoint's circuit opens within one request (circuit_open); 429s do not count", async () => {
    const dead = await serve((_req, res) => sendJson(res, 500, {}));
    const { http } = client({
      retry: { attempts: 9, baseDelayMs: 1 },
      circuit: { failureThreshold: 5, resetAfterMs: 60_000, perAttempt: true },
    });
    const error = await failure(http.json({ url: dead.base, endpoint: 'dead' }));
    expect(error).toMatchObject({ kind: 'circuit_open', endpoint: 'dead' });
    expect(error.message).toContain('(last: HTTP 500)');
    expect(dead.hits()).toBe(5);
    expect(await failure(http.json({ url: dead.base, endpoint: 'dead' }))).toMatchObject({ kind: 'circuit_open' });
    expect(dead.hits()).toBe(5);

    const busy = await serve((_req, res, hit) => (hit <= 7 ? sendJson(res, 429, {}) : sendJson(res, 200, { ok: 1 })));
    await expect(http.json({ url: busy.base, endpoint: 'busy' })).resolves.toMatchObject({ body: { ok: 1 } });
    expect(http.circuitState('busy')).toBe('closed');
  });

  it('bodyError: a 2xx that reports a failure is retried when retryable, thrown as is otherwise', async () => {
    const server = await serve((_req, res, hit) =>
      sendJson(
        res,
        200,
        hit === 1 ? { errors: [{ code: 'INTERNAL' }] } : hit === 2 ? { items: [1] } : { errors: [{ code: 'BAD' }] },
      ),
    );
    const { http } = client({ retry: { baseDelayMs: 1 } });
    const bodyError = (body: unknown) => {
      const code = (body as { errors?: { code: string }[] }).errors?.[0]?.code;
      return code ? { detail: code, retryable: code === 'INTERNAL' } : undefined;
    };
    await expect(http.json({ url: server.base, endpoint: 'e', bodyError })).resolves.toMatchObject({
      body: { items: [1] },
    });
    const error = await failure(http.json({ url: server.base, endpoint: 'e', bodyError }));
    expect(error).toMatchObject({ status: 200, retryable: false });
    expect(error.message).toContain('HTTP 200 with an error body: BAD');
    expect(http.metrics()[0]).toMatchObject({ requests: 3, failures: 2, retries: 1 });
  });
});
