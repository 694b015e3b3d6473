/**
 * Square's bad days, played by the sandbox over real sockets: refused and expiring tokens (OAuth refresh),
 * refused cursors, 500s, 429 storms, error bodies inside a 200, records missing fields, a dead endpoint
 * (circuit open: degraded, previous data kept), and the encrypted token store.
 */
import { describe, expect, it } from 'vitest';
import { parseSecretKey, secretStore } from '../../extract/kit/secrets.js';
import type { SourceDefinition } from '../../extract/kit/source.js';
import { squareHttpOptions, type SquareConfig } from '../../extract/sources/square/config.js';
import { OAUTH_SECRET_PREFIX, squareAuthCommand, type StoredTokens } from '../../extract/sources/square/oauth.js';
import { squareError, type SquareCall, type ScriptedAnswer } from '../../extract/sources/square/sandbox/index.js';
import { square } from '../../extract/sources/square/source.js';
import type { WindowedState } from '../../extract/sources/square/windows.js';
import { captureLogs } from '../helpers/tock-server.js';
import { expectAllOk, outcome, squareTestbed, TEST_SECRET_KEY } from '../helpers/square.js';

const bed = squareTestbed('elt_test_square_failures');
/** State as elt.state keeps it: versioned. */
type Saved = { $version: number; value: WindowedState };
const SMALL = { locations: 1, currencies: ['USD'], customers: 60, payments: 400, orders: 200, bookings: 40 };
const PAYMENTS_ONLY = { entities: ['locations', 'payments'] as ('locations' | 'payments')[] };

function scripted(script: (call: SquareCall) => ScriptedAnswer | undefined) {
  return { intercept: script };
}

async function authorise(sandbox: Awaited<ReturnType<typeof bed.sandbox>>, merchant = 'napa') {
  const env = { ...sandbox.oauthEnv(), ELT_SECRET_KEY: TEST_SECRET_KEY };
  const printed: string[] = [];
  const code = await squareAuthCommand.run({
    args: ['--code', sandbox.authorizationCode(1), '--merchant', merchant],
    env,
    warehouse: bed.warehouse(),
    secrets: bed.secrets(env),
    log: captureLogs().logger,
    print: (line) => printed.push(line),
    signal: new AbortController().signal,
  });
  expect(code, printed.join('\n')).toBe(0);
  return { env, printed };
}

describe('square: access tokens', () => {
  it('square-auth stores tokens encrypted; runs find the merchant and refresh once on an expired token', async () => {
    const sandbox = await bed.sandbox(SMALL);
    const { env, printed } = await authorise(sandbox);
    expect(printed.join('\n')).toContain('Stored Square tokens for merchant "napa"');
    const stored = await bed.secrets().get<StoredTokens>(`${OAUTH_SECRET_PREFIX}napa`);
    const [row] = await bed
      .db()
      .query<{ value: string }>(`select value from elt.secrets where name = 'square/oauth/napa'`);
    expect(row!.value.startsWith('v1.')).toBe(true);
    expect(row!.value).not.toContain(stored!.access_token);
    expect(printed.join('\n')).not.toContain(stored!.access_token);

    const first = await bed.run(env, PAYMENTS_ONLY);
    expectAllOk(first);
    expect(first.outcomes.map((o) => o.instance)).toEqual(['napa', 'napa']);

    sandbox.expireIssuedTokens();
    const logs = captureLogs();
    const tokenCalls = () => sandbox.requests().filter((r) => r.op === 'ObtainToken').length;
    const before = tokenCalls();
    const second = await bed.run(env, { ...PAYMENTS_ONLY, log: logs.logger, runId: 2 });
    expectAllOk(second);
    expect(tokenCalls()).toBe(before + 1);
    const refreshed = await bed.secrets().get<StoredTokens>(`${OAUTH_SECRET_PREFIX}napa`);
    expect(refreshed!.access_token).not.toBe(stored!.access_token);
    expect(refreshed!.refresh_token).toBe(stored!.refresh_token);
    const text = logs.lines.join('\n');
    expect(text).toContain('refreshing it once');
    for (const secret of [stored!.access_token, stored!.refresh_token, refreshed!.access_token])
      expect(text).not.toContain(secret);
  });

  it('refreshes ahead of time when fewer than 7 days remain', async () => {
    const sandbox = await bed.sandbox({ ...SMALL, tokenTtlMs: 3 * 86_400_000 });
    const { env } = await authorise(sandbox);
    const stored = await bed.secrets().get<StoredTokens>(`${OAUTH_SECRET_PREFIX}napa`);
    expectAllOk(await bed.run(env, { entities: ['locations'] }));
    expect(sandbox.requests().filter((r) => r.op === 'ObtainToken')).toHaveLength(2);
    const after = await bed.secrets().get<StoredTokens>(`${OAUTH_SECRET_PREFIX}napa`);
    expect(after!.access_token).not.toBe(stored!.access_token);
  });

  it('a token refused again after its one refresh fails in one sentence, without the token', async () => {
    let tokensIssued = 0;
    const sandbox = await bed.sandbox({
      ...SMALL,
      ...scripted((call) => {
        if (call.op === 'ObtainToken') tokensIssued++;
        // The exchange works; every data request says the token has expired, even a fresh one.
        return call.op === 'ObtainToken'
          ? undefined
          : {
              status: 401,
              body: squareError('AUTHENTICATION_ERROR', 'ACCESS_TOKEN_EXPIRED', 'The access token has expired.'),
            };
      }),
    });
    const { env } = await authorise(sandbox);
    const logs = captureLogs();
    const result = await bed.run(env, { ...PAYMENTS_ONLY, log: logs.logger });
    const failed = outcome(result, 'locations', 'napa');
    expect(failed.ok).toBe(false);
    expect(failed.error).toBe(
      'Square refused the access token of merchant "napa" even after refreshing it (HTTP 401 ACCESS_TOKEN_EXPIRED): ' +
        'authorise again with: npm run elt -- square-auth --code <authorization code> --merchant napa.',
    );
    expect(outcome(result, 'payments', 'napa').ok).toBe(false);
    expect(tokensIssued).toBe(2); // the exchange and exactly one refresh
    const stored = await bed.secrets(env).get<StoredTokens>(`${OAUTH_SECRET_PREFIX}napa`);
    expect(logs.lines.join('\n')).not.toContain(stored!.access_token);
  });

  it('a revoked token is not refreshed: the merchant fails in one sentence', async () => {
    const sandbox = await bed.sandbox({
      ...SMALL,
      ...scripted((call) =>
        call.op === 'ObtainToken'
          ? undefined
          : { status: 401, body: squareError('AUTHENTICATION_ERROR', 'ACCESS_TOKEN_REVOKED') },
      ),
    });
    const { env } = await authorise(sandbox);
    const result = await bed.run(env, { entities: ['locations'] });
    expect(outcome(result, 'locations', 'napa').error).toBe(
      'Square refused the access token of merchant "napa" (HTTP 401 ACCESS_TOKEN_REVOKED): ' +
        'authorise again with: npm run elt -- square-auth --code <authorization code> --merchant napa.',
    );
    // The exchange only: no refresh grant.
    expect(sandbox.requests().filter((r) => r.op === 'ObtainToken')).toHaveLength(1);
  });

  it('a refused personal token names its variable and is not refreshed', async () => {
    const sandbox = await bed.sandbox({
      ...SMALL,
      ...scripted(() => ({ status: 401, body: squareError('AUTHENTICATION_ERROR', 'UNAUTHORIZED') })),
    });
    const result = await bed.run(
      { ...sandbox.env(), SQUARE_ACCESS_TOKEN__NAPA: sandbox.token() },
      { entities: ['locations'] },
    );
    expect(result.outcomes.map((o) => o.error)).toEqual([
      'Square refused the access token of merchant "default" (HTTP 401 UNAUTHORIZED): set a valid SQUARE_ACCESS_TOKEN.',
      'Square refused the access token of merchant "napa" (HTTP 401 UNAUTHORIZED): ' +
        'set a valid SQUARE_ACCESS_TOKEN__NAPA.',
    ]);
    expect(sandbox.requests().filter((r) => r.op === 'ObtainToken')).toHaveLength(0);
  });

  it('encrypts with AES-256-GCM: round trip, wrong key, missing or malformed key', async () => {
    const a = bed.secrets({ ELT_SECRET_KEY: TEST_SECRET_KEY });
    await a.put('square/oauth/test', { access_token: 'EAAA-very-secret-token' });
    expect(await a.get('square/oauth/test')).toEqual({ access_token: 'EAAA-very-secret-token' });
    const hexKey = Buffer.alloc(32, 7).toString('hex');
    expect(await bed.secrets({ ELT_SECRET_KEY: hexKey }).get('square/oauth/test')).toEqual({
      access_token: 'EAAA-very-secret-token',
    });
    const [row] = await bed
      .db()
      .query<{ value: string }>(`select value from elt.secrets where name = 'square/oauth/test'`);
    expect(row!.value).not.toContain('very-secret');
    const wrong = bed.secrets({ ELT_SECRET_KEY: Buffer.alloc(32, 8).toString('base64') });
    await expect(wrong.get('square/oauth/test')).rejects.toThrow(
      'ELT_SECRET_KEY cannot decrypt the stored secret "square/oauth/test": ' +
        'it is not the key the secret was stored with.',
    );
    await expect(secretStore(bed.warehouse(), {}).get('square/oauth/test')).rejects.toThrow(
      /^ELT_SECRET_KEY is not set/,
    );
    expect(() => parseSecretKey('too-short')).toThrow('ELT_SECRET_KEY must be 32 bytes written as base64 or hex');
    // A sealed value copied under another name does not decrypt either.
    await bed.db().query(
      `insert into elt.secrets (name, value)
         select 'square/oauth/other', value from elt.secrets where name = 'square/oauth/test'`,
    );
    await expect(a.get('square/oauth/other')).rejects.toThrow('cannot decrypt');
  });
});

describe('square: bad answers', () => {
  it('INVALID_CURSOR: the window is read again from its first page, each payment landed once', async () => {
    let refused = 0;
    const sandbox = await bed.sandbox({
      ...SMALL,
      payments: 3000,
      ...scripted((call) => {
        if (call.op === 'ListPayments' && call.query.has('cursor') && refused === 0) {
          refused++;
          return {
            status: 400,
            body: squareError('INVALID_REQUEST_ERROR', 'INVALID_CURSOR', 'Cursor expired.', 'cursor'),
          };
        }
        return undefined;
      }),
    });
    const logs = captureLogs();
    const result = await bed.run(sandbox.env(), { ...PAYMENTS_ONLY, log: logs.logger });
    expectAllOk(result);
    expect(refused).toBe(1);
    expect(logs.lines.some((l) => l.includes('reading the window again from its first page'))).toBe(true);
    const [counts] = await bed
      .db()
      .query<{ n: number; keys: number }>(
        `select count(*)::int as n, count(distinct _key)::int as keys from raw.raw_square_payments`,
      );
    const [state] = await bed.db().query<{ state: Saved }>(`select state from elt.state where entity = 'payments'`);
    const expected = [...sandbox.world().payments.range(Date.parse(state!.state.value.horizon), sandbox.now() + 1)]
      .length;
    expect(counts).toEqual({ n: expected, keys: expected });
    expect(outcome(result, 'payments').counts.rowsSeen).toBe(expected);
  });

  it('the sandbox refuses garbage cursors and cursors of another query', async () => {
    const sandbox = await bed.sandbox(SMALL);
    const headers = { authorization: `Bearer ${sandbox.token()}`, 'content-type': 'application/json' };
    const garbage = await fetch(`${sandbox.url}/v2/payments?cursor=bm90LWEtY3Vyc29y`, { headers });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ errors: [{ code: 'INVALID_CURSOR' }] });
    const first = (await (
      await fetch(`${sandbox.url}/v2/customers/search`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ limit: 10 }),
      })
    ).json()) as { cursor: string };
    const other = await fetch(`${sandbox.url}/v2/customers/search`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ limit: 20, cursor: first.cursor }),
    });
    expect(other.status).toBe(400);
    const same = await fetch(`${sandbox.url}/v2/customers/search`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ limit: 10, cursor: first.cursor }),
    });
    expect(same.status).toBe(200);
  });

  it('500s are retried with backoff and the data lands', async () => {
    const sandbox = await bed.sandbox({
      ...SMALL,
      ...scripted((call) =>
        call.op === 'SearchCustomers' && call.n <= 3
          ? { status: 500, body: squareError('API_ERROR', 'INTERNAL_SERVER_ERROR') }
          : undefined,
      ),
    });
    const result = await bed.run(sandbox.env(), { entities: ['customers'] });
    expectAllOk(result);
    expect(await bed.count('customers')).toBe(sandbox.world().customers.total);
    const metrics = result.http.metrics().find((m) => m.endpoint === 'SearchCustomers POST /v2/customers/search')!;
    expect(metrics).toMatchObject({ failures: 3, retries: 3, circuit: 'closed' });
  });

  it('a 429 storm: backs off with jitter, slows down, and everything lands', async () => {
    // A limit the client outpaces even on a busy machine (at 10/s a loaded one sometimes stayed under it).
    const sandbox = await bed.sandbox({ ...SMALL, payments: 2000, requestsPerSecond: 4 });
    // The client is told nothing about the limit: every pause comes from 429 RATE_LIMITED answers.
    const env = { ...sandbox.env(), SQUARE_MAX_REQUESTS_PER_SECOND: '0' };
    const patient: SourceDefinition<SquareConfig> = {
      ...square,
      http: (e) => ({
        ...squareHttpOptions(e),
        retry: { attempts: 9, baseDelayMs: 25, maxDelayMs: 400 },
        adaptive: { baseSpacingMs: 10, perFailureShareMs: 100, maxSpacingMs: 200 },
      }),
    };
    const logs = captureLogs();
    const result = await bed.run(env, { ...PAYMENTS_ONLY, source: patient, log: logs.logger });
    expectAllOk(result);
    expect(logs.lines.some((l) => l.includes('slowing down: high failure ratio'))).toBe(true);
    const throttled = sandbox.requests().filter((r) => r.status === 429).length;
    expect(throttled).toBeGreaterThan(0);
    expect(result.http.metrics().reduce((n, m) => n + m.throttled, 0)).toBe(throttled);
    const [state] = await bed.db().query<{ state: Saved }>(`select state from elt.state where entity = 'payments'`);
    expect(await bed.count('payments')).toBe(
      [...sandbox.world().payments.range(Date.parse(state!.state.value.horizon), sandbox.now() + 1)].length,
    );
  });

  it('an error body inside a 200: retried when Square says it is on its side, else fails with the code', async () => {
    const sandbox = await bed.sandbox({
      ...SMALL,
      ...scripted((call) => {
        if (call.op === 'SearchOrders' && call.n === 1)
          return { status: 200, body: squareError('API_ERROR', 'INTERNAL_SERVER_ERROR', 'Try again.') };
        if (call.op === 'SearchTeamMembers')
          return {
            status: 200,
            body: { team_members: [], ...squareError('INVALID_REQUEST_ERROR', 'BAD_REQUEST', 'Unexpected filter.') },
          };
        return undefined;
      }),
    });
    const result = await bed.run(sandbox.env(), { entities: ['locations', 'orders', 'team_members'] });
    expect(outcome(result, 'orders')).toMatchObject({ ok: true });
    expect(await bed.count('orders')).toBeGreaterThan(0);
    const team = outcome(result, 'team_members');
    expect(team.ok).toBe(false);
    expect(team.error).toContain('HTTP 200 with an error body: INVALID_REQUEST_ERROR BAD_REQUEST Unexpected filter.');
  });

  it('records missing fields: without an id they are quarantined with the reason, the rest lands as sent', async () => {
    let served = false;
    const sandbox = await bed.sandbox({
      ...SMALL,
      ...scripted((call) => {
        if (call.op !== 'ListPayments' || served) return undefined;
        served = true;
        const money = { amount: 1250, currency: 'USD' };
        return {
          status: 200,
          body: {
            payments: [
              { id: 'PAY-FULL', created_at: '2025-01-01T10:00:00Z', total_money: money },
              { total_money: money, note: 'no id' },
              { id: 'PAY-BARE' },
              null,
            ],
          },
        };
      }),
    });
    const result = await bed.run(sandbox.env(), PAYMENTS_ONLY);
    expectAllOk(result);
    expect(outcome(result, 'payments').counts.rowsQuarantined).toBe(2);
    const reasons = await bed
      .db()
      .query<{ reason: string }>(`select reason from elt.quarantine where entity = 'payments' order by record_index`);
    expect(reasons.map((r) => r.reason)).toEqual(['missing key id', 'record is null, not a JSON object']);
    const [bare] = await bed
      .db()
      .query<{ record: unknown }>(`select record from raw.raw_square_payments where _key = 'PAY-BARE'`);
    expect(bare!.record).toEqual({ id: 'PAY-BARE' });
  });
});

describe('square: a dead endpoint', () => {
  it('opens its circuit after 5 failed attempts: skipped this run (degraded), old data and state kept', async () => {
    let broken = false;
    const sandbox = await bed.sandbox({
      ...SMALL,
      ...scripted((call) =>
        broken && call.op === 'ListBookings'
          ? { status: 500, body: squareError('API_ERROR', 'INTERNAL_SERVER_ERROR') }
          : undefined,
      ),
    });
    expectAllOk(await bed.run(sandbox.env()));
    const bookings = await bed.count('bookings');
    const [before] = await bed.db().query<{ state: unknown }>(`select state from elt.state where entity = 'bookings'`);

    broken = true;
    await sandbox.advance();
    const result = await bed.run(sandbox.env(), { runId: 2 });
    const skipped = outcome(result, 'bookings');
    expect(skipped).toMatchObject({ ok: true, degraded: true });
    expect(skipped.error).toContain('circuit open after repeated failures (last: HTTP 500)');
    expect(sandbox.requests().filter((r) => r.op === 'ListBookings' && r.status === 500)).toHaveLength(5);
    for (const o of result.outcomes.filter((x) => x.entity !== 'bookings'))
      expect(o, `${o.entity}: ${o.error}`).toMatchObject({ ok: true });
    expect(outcome(result, 'payments').counts.rowsLanded).toBeGreaterThan(0);
    expect(await bed.count('bookings')).toBe(bookings);
    const [after] = await bed.db().query<{ state: unknown }>(`select state from elt.state where entity = 'bookings'`);
    expect(after!.state).toEqual(before!.state);
    expect(result.http.metrics().find((m) => m.endpoint.startsWith('ListBookings'))?.circuit).toBe('open');
  });
});
