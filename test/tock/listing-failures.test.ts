/**
 * Tock bad input on the HTTP side: refused credentials, CDN 503 pages, signed URLs expiring mid-run,
 * listings pointing at hosts that are not allowed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../../extract/kit/sandbox/server.js';
import { tock } from '../../extract/sources/tock/source.js';
import type { TestDatabase } from '../helpers/database.js';
import {
  captureLogs,
  cdn503Html,
  guest,
  jsonArray,
  reservation,
  runTock,
  type TockServer,
  tockTestbed,
} from '../helpers/tock-server.js';

const bed = tockTestbed('elt_test_tock_listing');
const server = bed.server;
let db: TestDatabase;
beforeAll(() => {
  db = bed.db();
});

const GUEST_FILES = {
  'guest-profile-1.json': jsonArray([guest('101'), guest('102')]),
  'guest-profile-2.json': jsonArray([guest('201'), guest('202'), guest('203')]),
};

async function rowCount(table: 'raw_tock_guest' | 'raw_tock_reservation'): Promise<number> {
  const [row] = await db.query<{ n: number }>(`select count(*)::int as n from raw.${table}`);
  return row!.n;
}

async function origins(table: 'raw_tock_guest' | 'raw_tock_reservation'): Promise<string[]> {
  return (await db.query<{ _origin: string }>(`select distinct _origin from raw.${table} order by 1`)).map(
    (r) => r._origin,
  );
}

async function stateRows(): Promise<number> {
  const [row] = await db.query<{ n: number }>(`select count(*)::int as n from elt.state`);
  return row!.n;
}

describe('refused credentials on the listing', () => {
  for (const status of [401, 403]) {
    it(`HTTP ${status}: a sentence naming X_TOCK_AUTH and X_TOCK_SCOPE, one request per entity, no token`, async () => {
      const s = await server({ files: GUEST_FILES, onListing: () => ({ status, body: '' }) });
      const logs = captureLogs();
      // The real source (default retry policy): a retry would show up as extra listing requests.
      const result = await runTock(db, s.env(), { source: tock, log: logs.logger });
      expect(result.outcomes.map((o) => o.ok)).toEqual([false, false]);
      for (const o of result.outcomes) {
        expect(o.error).toBe(`Tock refused the credentials (HTTP ${status}): check X_TOCK_AUTH and X_TOCK_SCOPE.`);
        expect(o.counts.units).toBe(0);
      }
      expect(s.listingRequests()).toBe(2); // guest, reservation: no retries
      expect(s.requests().filter((r) => r.kind === 'file')).toEqual([]);
      const everything = [...result.outcomes.map((o) => o.error), ...logs.lines].join('\n');
      expect(everything).not.toContain(s.auth);
      expect(logs.lines.some((l) => l.includes('retrying'))).toBe(false);
      expect(await stateRows()).toBe(0);
    });
  }

  it('a wrong token is refused by the server itself (403) and reported the same way', async () => {
    const s = await server({ files: GUEST_FILES });
    const wrong = `${s.auth}-but-wrong`;
    const result = await runTock(db, s.env({ X_TOCK_AUTH: wrong }), { source: tock });
    for (const o of result.outcomes) {
      expect(o.ok).toBe(false);
      expect(o.error).toBe('Tock refused the credentials (HTTP 403): check X_TOCK_AUTH and X_TOCK_SCOPE.');
      expect(o.error).not.toContain(wrong);
    }
    expect(s.listingRequests()).toBe(2);
  });

  it('sends both headers, and the listing answer drives the run', async () => {
    // A scope other than the server's is refused too: both headers are checked and sent.
    const s = await server({ files: GUEST_FILES });
    const bad = await runTock(db, s.env({ X_TOCK_SCOPE: '{"businessId":"1","businessGroupId":"2"}' }), {
      source: tock,
    });
    expect(bad.outcomes.every((o) => !o.ok)).toBe(true);
    const good = await runTock(db, s.env(), { source: tock, runId: 2 });
    expect(good.outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect(await rowCount('raw_tock_guest')).toBe(5);
  });

  it('a listing without the expected array fails clearly', async () => {
    const s = await server({
      onListing: () => ({
        status: 200,
        body: JSON.stringify({ result: { guestDataUrls: 'nope' } }),
        headers: { 'content-type': 'application/json' },
      }),
    });
    const result = await runTock(db, s.env());
    expect(result.outcomes.map((o) => o.error)).toEqual([
      'the export listing has no result.guestDataUrls array',
      'the export listing has no result.reservationDataUrls array',
    ]);
  });
});

describe('503 HTML pages from the CDN', () => {
  it('on the listing: retried, then the run lands', async () => {
    const s = await server({
      files: GUEST_FILES,
      onListing: (call) =>
        call <= 2 ? { status: 503, body: cdn503Html(), headers: { 'content-type': 'text/html' } } : undefined,
    });
    const result = await runTock(db, s.env());
    expect(result.outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect(s.listingRequests()).toBe(4); // 2 refused + 1 for guest, 1 for reservation
    expect(await rowCount('raw_tock_guest')).toBe(5);
  });

  it('on a file: retried, then the file lands', async () => {
    const s = await server({
      files: GUEST_FILES,
      onFile: (name, call) =>
        name === 'guest-profile-2.json' && call <= 2
          ? { status: 503, body: cdn503Html(), headers: { 'content-type': 'text/html' } }
          : undefined,
    });
    const result = await runTock(db, s.env());
    expect(result.outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect(s.fileRequests('guest-profile-2.json').map((r) => r.status)).toEqual([503, 503, 200]);
    expect(s.fileRequests('guest-profile-1.json').map((r) => r.status)).toEqual([200]);
    expect(await origins('raw_tock_guest')).toEqual(['guest-profile-1.json', 'guest-profile-2.json']);
  });

  it('on the listing forever: a clear failure after the retries, nothing landed', async () => {
    const s = await server({
      files: GUEST_FILES,
      onListing: () => ({ status: 503, body: cdn503Html(), headers: { 'content-type': 'text/html' } }),
    });
    const result = await runTock(db, s.env());
    for (const o of result.outcomes) {
      expect(o.ok).toBe(false);
      expect(o.error).toMatch(/^tock\.listing: HTTP 503 \(GET http:\/\/127\.0\.0\.1:\d+\/api\/data\/export\/urls\)/);
      expect(o.error).not.toContain('\n');
    }
    expect(s.listingRequests()).toBe(12); // 1 + 5 retries, per entity
    expect(s.requests().filter((r) => r.kind === 'file')).toEqual([]);
    expect(await rowCount('raw_tock_guest')).toBe(0);
    expect(await stateRows()).toBe(0);
  });

  it('on a file forever: that file fails naming it, the files before it stay landed', async () => {
    const s = await server({
      files: GUEST_FILES,
      onFile: (name) =>
        name === 'guest-profile-2.json'
          ? { status: 503, body: cdn503Html(), headers: { 'content-type': 'text/html' } }
          : undefined,
    });
    const result = await runTock(db, s.env());
    const [guests, reservations] = result.outcomes;
    expect(guests!.ok).toBe(false);
    expect(guests!.error).toMatch(
      new RegExp(
        /^tock\.file: HTTP 503 \(GET http:\/\/127\.0\.0\.1:\d+/.source +
          /\/tock-test-bucket\/exports\/guest-profile-2\.json\?\[signed query redacted\]\)/.source,
      ),
    );
    expect(guests!.error).not.toContain(s.signature());
    expect(reservations!.ok).toBe(true);
    expect(s.fileRequests('guest-profile-2.json')).toHaveLength(6);
    expect(await origins('raw_tock_guest')).toEqual(['guest-profile-1.json']);
    const [state] = await db.query<{ files: string[] }>(
      `select array(select jsonb_object_keys(state->'value'->'files')) as files from elt.state where entity = 'guest'`,
    );
    expect(state!.files).toEqual(['guest-profile-1.json']);
  });

  // KNOWN GAP (kit/http/client.ts json(), used by export-files.ts listExportFiles): a CDN error page sent
  // with status 200 (text/html) is reported as "HTTP 200 with a body that is not JSON" with retryable=false,
  // so it is not retried although issue 3 asks "503 or an HTML page from the CDN: retried with backoff".
  // Remove `.fails` once an HTML listing answer is retried.
  it('a 200 HTML page instead of the listing is retried', async () => {
    const s = await server({
      files: GUEST_FILES,
      onListing: (call) =>
        call === 1 ? { status: 200, body: cdn503Html(), headers: { 'content-type': 'text/html' } } : undefined,
    });
    const result = await runTock(db, s.env());
    expect(result.outcomes.map((o) => o.ok)).toEqual([true, true]);
  });
});

describe('signed URL expiring mid-run', () => {
  const bumpAt =
    (file: string, s: () => TockServer) =>
    (name: string, call: number): undefined => {
      if (name === file && call === 1) s().bumpGeneration();
      return undefined;
    };

  it('400 ExpiredToken: lists once more and lands the file with its fresh URL; signatures never logged', async () => {
    const s: TockServer = await server({ files: GUEST_FILES, onFile: bumpAt('guest-profile-2.json', () => s) });
    const logs = captureLogs();
    const result = await runTock(db, s.env(), { log: logs.logger });
    expect(result.outcomes.map((o) => [o.entity, o.ok, o.error])).toEqual([
      ['guest', true, undefined],
      ['reservation', true, undefined],
    ]);
    expect(s.fileRequests('guest-profile-1.json').map((r) => [r.gen, r.status])).toEqual([[1, 200]]);
    expect(s.fileRequests('guest-profile-2.json').map((r) => [r.gen, r.status])).toEqual([
      [1, 400],
      [2, 200],
    ]);
    expect(s.listingRequests()).toBe(3); // guest, guest again, reservation
    expect(await origins('raw_tock_guest')).toEqual(['guest-profile-1.json', 'guest-profile-2.json']);
    expect(await rowCount('raw_tock_guest')).toBe(5);

    expect(logs.lines.some((l) => l.includes('signed URL refused'))).toBe(true);
    const all = logs.lines.join('\n');
    expect(all).toContain('guest-profile-2.json');
    expect(all).not.toContain(s.signature(1));
    expect(all).not.toContain(s.signature(2));
    expect(all).not.toContain(s.auth);
  });

  it('403 AccessDenied on a file also triggers one relisting', async () => {
    const s = await server({
      files: GUEST_FILES,
      onFile: (name, call) =>
        name === 'guest-profile-1.json' && call === 1
          ? {
              status: 403,
              body: '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Access denied.</Message></Error>',
              headers: { 'content-type': 'application/xml' },
            }
          : undefined,
    });
    const result = await runTock(db, s.env());
    expect(result.outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect(s.fileRequests('guest-profile-1.json').map((r) => r.status)).toEqual([403, 200]);
    expect(await rowCount('raw_tock_guest')).toBe(5);
  });

  it('a URL still refused after relisting fails the file without a retry loop or a leaked signature', async () => {
    const s = await server({
      files: GUEST_FILES,
      onFile: (name) =>
        name === 'guest-profile-2.json'
          ? {
              status: 400,
              body: '<Error><Code>ExpiredToken</Code></Error>',
              headers: { 'content-type': 'application/xml' },
            }
          : undefined,
    });
    const logs = captureLogs();
    const result = await runTock(db, s.env(), { log: logs.logger });
    const guests = result.outcomes[0]!;
    expect(guests.ok).toBe(false);
    expect(guests.error).toMatch(
      /^tock\.file: HTTP 400 \(GET .*guest-profile-2\.json\?\[signed query redacted\]\): <Error><Code>ExpiredToken/,
    );
    expect(s.fileRequests('guest-profile-2.json')).toHaveLength(2);
    expect(s.listingRequests()).toBe(3);
    expect([guests.error, ...logs.lines].join('\n')).not.toContain(s.signature());
    expect(await origins('raw_tock_guest')).toEqual(['guest-profile-1.json']);
  });

  it('continues with fresh URLs for every remaining file, not just the refused one', async () => {
    const s: TockServer = await server({
      files: { ...GUEST_FILES, 'guest-profile-3.json': jsonArray([guest('301')]) },
      onFile: bumpAt('guest-profile-2.json', () => s),
    });
    const result = await runTock(db, s.env());
    expect(result.outcomes[0]!.error).toBeUndefined();
    expect(await origins('raw_tock_guest')).toEqual([
      'guest-profile-1.json',
      'guest-profile-2.json',
      'guest-profile-3.json',
    ]);
  });
});

describe('file URLs on hosts that are not allowed', () => {
  it('a listing naming http://evil.example is refused with an error naming TOCK_ALLOWED_FILE_HOSTS', async () => {
    const s = await server({
      files: { ...GUEST_FILES, 'reservation-1.json': jsonArray([reservation('r1')]) },
      extraUrls: { guest: ['http://evil.example/bucket/guest-profile-9.json?X-Goog-Signature=deadbeefdeadbeef'] },
    });
    const result = await runTock(db, s.env());
    const [guests, reservations] = result.outcomes;
    expect(guests!.ok).toBe(false);
    expect(guests!.error).toBe(
      'refusing export file URL on host "evil.example": ' +
        'only storage.googleapis.com (https) and hosts in TOCK_ALLOWED_FILE_HOSTS are accepted',
    );
    // The listing is refused as a whole: nothing of the entity is fetched.
    expect(s.requests().filter((r) => r.kind === 'file' && r.name!.startsWith('guest'))).toEqual([]);
    expect(await rowCount('raw_tock_guest')).toBe(0);
    // The other entity is unaffected.
    expect(reservations!.ok).toBe(true);
    expect(await rowCount('raw_tock_reservation')).toBe(1);
  });

  it('no request reaches a host outside the allowed list (same address, other port)', async () => {
    let hits = 0;
    const other: LoopbackServer = await startLoopbackServer((_req, res) => {
      hits++;
      res.end('[]');
    });
    const s = await server({ files: GUEST_FILES, extraUrls: { guest: [`${other.url}/bucket/guest-profile-3.json`] } });
    const result = await runTock(db, s.env());
    expect(result.outcomes[0]!.ok).toBe(false);
    expect(result.outcomes[0]!.error).toContain(`"127.0.0.1:${other.port}"`);
    expect(result.outcomes[0]!.error).toContain('TOCK_ALLOWED_FILE_HOSTS');
    expect(hits).toBe(0);
    await other.close();
  });
});
