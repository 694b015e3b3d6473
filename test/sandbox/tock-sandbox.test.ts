import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startTockSandbox } from '../../extract/sources/tock/sandbox/index.js';
import {
  authHeaders,
  cleanupAll,
  fileNumber,
  idText,
  list,
  parseKeepingBigInts,
  sandbox,
  urlFor,
  type Rec,
} from './tock-helpers.js';

afterEach(cleanupAll);
afterAll(cleanupAll);

describe('tock sandbox: listing', () => {
  it('refuses missing or wrong credentials with 403 and an empty body', async () => {
    const sb = await sandbox({ businesses: 2 });
    const url = `${sb.url}/api/data/export/urls`;
    const good = authHeaders(sb, 1);
    const other = authHeaders(sb, 2);
    const cases: Record<string, string>[] = [
      {},
      { 'X-Tock-Authorization': good['X-Tock-Authorization']! },
      { 'X-Tock-Scope': good['X-Tock-Scope']! },
      { ...good, 'X-Tock-Authorization': good['X-Tock-Authorization']! + 'x' },
      { ...good, 'X-Tock-Scope': other['X-Tock-Scope']! }, // business 1's key, business 2's scope
      { ...good, 'X-Tock-Scope': '{not json' },
      { ...good, 'X-Tock-Scope': JSON.stringify({ businessId: JSON.parse(good['X-Tock-Scope']!).businessId }) },
    ];
    for (const headers of cases) {
      const res = await fetch(url, { headers });
      expect(res.status).toBe(403);
      expect(await res.text()).toBe('');
    }
    const ok = await fetch(url, { headers: good });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/application\/json/);
    // Scope ids may come as numbers too.
    const scope = JSON.parse(good['X-Tock-Scope']!) as Record<string, string>;
    const numeric = await fetch(url, {
      headers: {
        ...good,
        'X-Tock-Scope': JSON.stringify({
          businessId: Number(scope.businessId),
          businessGroupId: Number(scope.businessGroupId),
        }),
      },
    });
    expect(numeric.status).toBe(200);
  });

  it('lists one signed URL per file, shuffled, per business', async () => {
    const sb = await sandbox({ exports: 6, businesses: 2 });
    const env = sb.env(1);
    expect(Object.keys(env).sort()).toEqual(['TOCK_ALLOWED_FILE_HOSTS', 'TOCK_API_URL', 'X_TOCK_AUTH', 'X_TOCK_SCOPE']);
    expect(env.X_TOCK_AUTH!.split('.')).toHaveLength(3);
    const l1 = await list(sb, 1);
    const l2 = await list(sb, 2);
    for (const [urls, name] of [
      [l1.guestDataUrls, 'guest-profile'],
      [l1.reservationDataUrls, 'reservation'],
    ] as const) {
      const ns = urls.map(fileNumber);
      expect([...ns].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(ns).not.toEqual([1, 2, 3, 4, 5, 6]);
      for (const u of urls) {
        const url = new URL(u);
        expect(url.host).toBe(env.TOCK_ALLOWED_FILE_HOSTS);
        expect(url.pathname).toMatch(new RegExp(`/${name}-\\d+\\.json$`));
        for (const p of [
          'X-Goog-Algorithm',
          'X-Goog-Credential',
          'X-Goog-Date',
          'X-Goog-Expires',
          'X-Goog-SignedHeaders',
          'X-Goog-Signature',
        ]) {
          expect(url.searchParams.get(p)).toBeTruthy();
        }
        expect(url.searchParams.get('X-Goog-Expires')).toBe('3600');
        expect(url.searchParams.get('X-Goog-Date')).toMatch(/^\d{8}T\d{6}Z$/);
      }
    }
    const prefix = (u: string) => new URL(u).pathname.split('/').slice(0, -1).join('/');
    expect(prefix(l1.guestDataUrls[0]!)).not.toBe(prefix(l2.guestDataUrls[0]!));
    // Business 2's file differs from business 1's.
    const a = await (await fetch(urlFor(l1.guestDataUrls, 1))).text();
    const b = await (await fetch(urlFor(l2.guestDataUrls, 1))).text();
    expect(a).not.toBe(b);
    expect(sb.requests().map((r) => r.path.split('/').pop())).toEqual([
      'urls',
      'urls',
      'guest-profile-1.json',
      'guest-profile-1.json',
    ]);
    expect(sb.requests().every((r) => r.status === 200)).toBe(true);
  });
});

describe('tock sandbox: signed storage URLs', () => {
  it('rejects tampered URLs with 403 SignatureDoesNotMatch XML', async () => {
    const sb = await sandbox({ exports: 2 });
    const good = urlFor((await list(sb)).guestDataUrls, 1);
    const ok = await fetch(good);
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();

    const sig = new URL(good).searchParams.get('X-Goog-Signature')!;
    const flipped = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
    const tampered = [
      good.replace(`X-Goog-Signature=${sig}`, `X-Goog-Signature=${flipped}`),
      good.replace('X-Goog-Expires=3600', 'X-Goog-Expires=604800'),
      good.replace('guest-profile-1.json', 'guest-profile-2.json'),
      good.replace('guest-profile-1.json', 'reservation-1.json'),
    ];
    for (const u of tampered) {
      const res = await fetch(u);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/xml/);
      const xml = await res.text();
      expect(xml).toContain('<Error><Code>SignatureDoesNotMatch</Code>');
    }
    const unsigned = await fetch(good.split('?')[0]!);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('expires URLs after X-Goog-Expires with 400 ExpiredToken XML (injected clock)', async () => {
    let clock = Date.UTC(2025, 5, 1, 12);
    const sb = await sandbox({ urlTtlSeconds: 60, now: () => clock });
    const url = urlFor((await list(sb)).reservationDataUrls, 1);
    expect(new URL(url).searchParams.get('X-Goog-Date')).toBe('20250601T120000Z');
    clock += 59_000;
    const still = await fetch(url);
    expect(still.status).toBe(200);
    await still.arrayBuffer();
    clock += 2_000;
    const res = await fetch(url);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/<Error><Code>ExpiredToken<\/Code>.*Request has expired/);
  });

  it('expires URLs on the real clock too', async () => {
    const sb = await sandbox({ urlTtlSeconds: 1 });
    const url = urlFor((await list(sb)).guestDataUrls, 1);
    await new Promise((r) => setTimeout(r, 2100));
    const res = await fetch(url);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>ExpiredToken</Code>');
  });

  it('serves JSON with a deterministic ETag and honours If-None-Match', async () => {
    const sb = await sandbox();
    const url = urlFor((await list(sb)).guestDataUrls, 1);
    const res = await fetch(url);
    expect(res.headers.get('content-type')).toBe('application/json');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    await res.arrayBuffer();
    const again = await fetch(url, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('answers 404 NoSuchKey for a validly signed URL of a file that does not exist', async () => {
    // Two instances sharing a signing key: one with 2 exports issues the URL, one with 1 export is asked for it.
    const a = await sandbox({ exports: 2, signingSecret: 'shared-test-secret' });
    const b = await sandbox({ exports: 1, signingSecret: 'shared-test-secret' });
    const url = urlFor((await list(a)).guestDataUrls, 2).replace(a.url, b.url); // the host is not signed
    const res = await fetch(url);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('<Code>NoSuchKey</Code>');
    const first = await fetch(urlFor((await list(a)).guestDataUrls, 1).replace(a.url, b.url));
    expect(first.status).toBe(200);
    await first.arrayBuffer();
  });
});

describe('tock sandbox: data', () => {
  it('is deterministic: same seed, same bytes and ETag; another seed differs', async () => {
    const fetchBoth = async (seed: number) => {
      const sb = await sandbox({ seed, exports: 2 });
      const l = await list(sb);
      const out: { text: string; etag: string | null }[] = [];
      for (const u of [
        urlFor(l.guestDataUrls, 1),
        urlFor(l.guestDataUrls, 2),
        urlFor(l.reservationDataUrls, 1),
        urlFor(l.reservationDataUrls, 2),
      ]) {
        const res = await fetch(u);
        out.push({ text: await res.text(), etag: res.headers.get('etag') });
      }
      return out;
    };
    const a = await fetchBoth(7);
    const b = await fetchBoth(7);
    const c = await fetchBoth(8);
    expect(b).toEqual(a);
    expect(c[0]!.text).not.toBe(a[0]!.text);
    expect(c[0]!.etag).not.toBe(a[0]!.etag);
    expect(new Set(a.map((x) => x.etag)).size).toBe(4);
  });

  it('follows the guest profile and reservation model, with patron ids that match', async () => {
    const sb = await sandbox({ guestsInFirstExport: 400, reservationsInFirstExport: 800 });
    const l = await list(sb);
    const guestsText = await (await fetch(urlFor(l.guestDataUrls, 1))).text();
    const resText = await (await fetch(urlFor(l.reservationDataUrls, 1))).text();
    const guests = parseKeepingBigInts(guestsText) as Rec[];
    const reservations = parseKeepingBigInts(resText) as Rec[];
    expect(guests).toHaveLength(400);
    expect(reservations).toHaveLength(800);

    const g = guests[0]!;
    for (const k of [
      'id',
      'patron',
      'phone',
      'day',
      'patronProfileDietaryRestriction',
      'patronProfileHospitalityPreference',
      'businessGroupId',
      'businessGuestProfile',
      'tag',
      'attribute',
      'optInSource',
      'isTockVerified',
      'createdAtTimestamp',
      'updatedAtTimestamp',
      'isArchived',
      'nextGuestProfileId',
    ]) {
      expect(g).toHaveProperty(k);
    }
    expect(Object.keys(g.patron as Rec).sort()).toEqual([
      'email',
      'firstName',
      'id',
      'isoCountryCode',
      'lastName',
      'phone',
      'phoneCountryCode',
      'zipCode',
    ]);
    expect(guests.some((x) => !('address' in x))).toBe(true);
    expect(guests.some((x) => 'address' in x)).toBe(true);
    expect(
      guests.some((x) =>
        (x.attribute as Rec[]).some((a) => a.type === 'EXTERNAL_ID' && a.attribute === 'commerce7CustomerId'),
      ),
    ).toBe(true);
    expect(guests.some((x) => (x.day as Rec[]).some((d) => d.type === 'BIRTHDAY'))).toBe(true);
    expect(new Set(guests.map((x) => idText(x.id))).size).toBe(400);
    expect(new Set(guests.map((x) => idText((x.patron as Rec).id))).size).toBe(400);

    const r = reservations[0]!;
    for (const k of [
      'id',
      'sequenceId',
      'versionId',
      'business',
      'dateTime',
      'serviceDateTimestamp',
      'createdTimestamp',
      'lastUpdatedTimestamp',
      'partySize',
      'partyState',
      'experience',
      'subtotalCents',
      'taxCents',
      'serviceChargeCents',
      'gratuityCents',
      'totalPriceCents',
      'netAmountPaidCents',
      'amountDueCents',
      'ownerPatron',
      'payment',
      'refund',
      'discount',
      'isCancelled',
      'transferredOut',
    ]) {
      expect(r).toHaveProperty(k);
    }
    expect(Object.keys(r.business as Rec).sort()).toEqual([
      'currencyCode',
      'domainName',
      'id',
      'locale',
      'name',
      'timeZone',
    ]);
    expect(reservations.every((x) => /^\d\d:\d\d$/.test(String(x.dateTime)))).toBe(true);
    expect(reservations.some((x) => !('confirmationCode' in x))).toBe(true);
    const states = new Set(reservations.map((x) => x.partyState));
    for (const s of ['FINISHED', 'EXPECTED', 'CANCELLED']) expect(states).toContain(s);
    const varieties = new Set(reservations.map((x) => (x.experience as Rec).variety));
    expect(varieties.size).toBeGreaterThanOrEqual(5);
    expect(reservations.some((x) => (x.payment as Rec[]).length > 0)).toBe(true);
    // Owner patrons are generated guests.
    const patronIds = new Set(guests.map((x) => idText((x.patron as Rec).id)));
    expect(reservations.every((x) => patronIds.has(idText((x.ownerPatron as Rec).id)))).toBe(true);
    // Ids come both as strings and as numbers.
    expect(guests.some((x) => typeof (x.patron as Rec).id === 'number')).toBe(true);
    expect(guests.some((x) => typeof (x.patron as Rec).id === 'string')).toBe(true);
    // Dates: within ~2 years of a fixed epoch, not of today.
    const created = guests.map((x) => x.createdAtTimestamp as number);
    expect(Math.max(...created) - Math.min(...created)).toBeLessThan(731 * 86_400_000);
    expect(Math.max(...created)).toBeLessThan(Date.UTC(2026, 0, 1));
  });

  it('writes ids above 2^53 as bare JSON numbers', async () => {
    const sb = await sandbox({ guestsInFirstExport: 500, reservationsInFirstExport: 500 });
    const l = await list(sb);
    for (const u of [urlFor(l.guestDataUrls, 1), urlFor(l.reservationDataUrls, 1)]) {
      const text = await (await fetch(u)).text();
      const bare = [...text.matchAll(/"id":(\d{17,})[,}]/g)].map((m) => m[1]!);
      expect(bare.length).toBeGreaterThan(0);
      for (const digits of bare) {
        expect(BigInt(digits) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
        expect(BigInt(digits) <= 18446744073709551615n).toBe(true);
        expect(String(Number(digits))).not.toBe(digits); // a JS number would round it
      }
      expect(text).not.toMatch(/"id":"\d{17,}"/);
    }
  });

  it('advance() adds file N+1 holding new records and edits, persisted across restarts', async () => {
    const sb = await sandbox({ guestsInFirstExport: 200, reservationsInFirstExport: 300, changesPerExport: 40 });
    expect(sb.exports()).toBe(1);
    expect((await list(sb)).guestDataUrls).toHaveLength(1);
    await sb.advance();
    expect(sb.exports()).toBe(2);
    const l = await list(sb);
    expect(l.guestDataUrls.map(fileNumber).sort()).toEqual([1, 2]);

    const g1 = parseKeepingBigInts(await (await fetch(urlFor(l.guestDataUrls, 1))).text()) as Rec[];
    const g2 = parseKeepingBigInts(await (await fetch(urlFor(l.guestDataUrls, 2))).text()) as Rec[];
    expect(g2).toHaveLength(40);
    const byPatron = new Map(g1.map((g) => [idText((g.patron as Rec).id), g]));
    const profileIds1 = new Set(g1.map((g) => idText(g.id)));
    const edits = g2.filter((g) => byPatron.has(idText((g.patron as Rec).id)));
    const news = g2.filter((g) => !byPatron.has(idText((g.patron as Rec).id)));
    expect(edits.length).toBeGreaterThan(0);
    expect(news.length).toBeGreaterThan(0);
    for (const e of edits) {
      const before = byPatron.get(idText((e.patron as Rec).id))!;
      expect(idText(e.id)).not.toBe(idText(before.id)); // new profile id
      expect(profileIds1.has(idText(e.id))).toBe(false);
      expect(e.updatedAtTimestamp as number).toBeGreaterThan(before.updatedAtTimestamp as number);
      expect(e.createdAtTimestamp).toBe(before.createdAtTimestamp);
      expect(e.isArchived).toBe(false);
    }

    const r1 = parseKeepingBigInts(await (await fetch(urlFor(l.reservationDataUrls, 1))).text()) as Rec[];
    const r2 = parseKeepingBigInts(await (await fetch(urlFor(l.reservationDataUrls, 2))).text()) as Rec[];
    expect(r2).toHaveLength(40);
    const byId = new Map(r1.map((r) => [idText(r.id), r]));
    const rEdits = r2.filter((r) => byId.has(idText(r.id)));
    expect(rEdits.length).toBeGreaterThan(0);
    expect(r2.length - rEdits.length).toBeGreaterThan(0);
    for (const e of rEdits) {
      const before = byId.get(idText(e.id))!;
      expect(e.sequenceId as number).toBeGreaterThan(before.sequenceId as number);
      expect(e.lastUpdatedTimestamp as number).toBeGreaterThan(before.lastUpdatedTimestamp as number);
      expect(e.confirmationCode).toBe(before.confirmationCode);
      expect(e.serviceDateTimestamp).toBe(before.serviceDateTimestamp);
    }
    expect(
      rEdits.some(
        (e) => e.partyState !== byId.get(idText(e.id))!.partyState || e.partySize !== byId.get(idText(e.id))!.partySize,
      ),
    ).toBe(true);

    // A fresh sandbox on the same state dir (a later `npm run elt`) sees the advanced count.
    const again = await startTockSandbox({ stateDir: sb.stateDir, faults: {} });
    try {
      expect(again.exports()).toBe(2);
    } finally {
      await again.close();
    }
  });

  it('sprinkles malformed records with malformedRecordRate, leaving valid ones unchanged', async () => {
    const clean = await sandbox({ guestsInFirstExport: 300 });
    const dirty = await sandbox({ guestsInFirstExport: 300, faults: { malformedRecordRate: 0.1 } });
    const cleanText = await (await fetch(urlFor((await list(clean)).guestDataUrls, 1))).text();
    const res = await fetch(urlFor((await list(dirty)).guestDataUrls, 1));
    const dirtyText = await res.text();
    const cleanRecs = parseKeepingBigInts(cleanText) as unknown[];
    const dirtyRecs = parseKeepingBigInts(dirtyText) as unknown[];
    const isValid = (x: unknown) =>
      !!x && typeof x === 'object' && !Array.isArray(x) && 'patron' in x && !!(x as { patron: Rec }).patron.id;
    const bad = dirtyRecs.filter((x) => !isValid(x));
    expect(bad.length).toBeGreaterThan(10);
    expect(bad.some((x) => typeof x !== 'object' || x === null)).toBe(true);
    expect(bad.some((x) => !!x && typeof x === 'object' && !Array.isArray(x))).toBe(true);
    expect(dirtyRecs.filter(isValid)).toEqual(cleanRecs);
    expect(res.headers.get('etag')).not.toBe(
      (await fetch(urlFor((await list(clean)).guestDataUrls, 1))).headers.get('etag'),
    );
  });
});

describe('tock sandbox: HTTP faults', () => {
  it('answers a 429 burst with Retry-After, then serves', async () => {
    const sb = await sandbox({ faults: { status429Burst: 3 } });
    const url = `${sb.url}/api/data/export/urls`;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(url, { headers: authHeaders(sb) });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      await res.arrayBuffer();
    }
    const ok = await fetch(url, { headers: authHeaders(sb) });
    expect(ok.status).toBe(200);
    expect(sb.requests().map((r) => r.status)).toEqual([429, 429, 429, 200]);
  });

  it('injects seeded 5xx (HTML from the listing, XML from storage)', async () => {
    const statuses = async () => {
      const sb = await sandbox({ faults: { error5xxRate: 0.5 } });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${sb.url}/api/data/export/urls`, { headers: authHeaders(sb) });
        const body = await res.text();
        if (res.status >= 500) expect(body).toContain('<html>');
        out.push(res.status);
      }
      return out;
    };
    const a = await statuses();
    expect(a.filter((s) => s >= 500).length).toBeGreaterThan(3);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(3);
    expect(await statuses()).toEqual(a);

    const sb = await sandbox({ faults: { error5xxRate: 1 } });
    const res = await fetch(`${sb.url}/tock-sandbox-data-export/x/guest-profile-1.json`);
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(await res.text()).toContain('<Code>InternalError</Code>');
  });

  it('truncates bodies mid-way (client sees a broken stream)', async () => {
    const sb = await sandbox({ faults: { truncateBodies: true } });
    const listing = await fetch(`${sb.url}/api/data/export/urls`, { headers: authHeaders(sb) });
    expect(listing.status).toBe(200);
    await expect(listing.text()).rejects.toThrow();
  });

  it('truncates streamed files mid-way', async () => {
    const clean = await sandbox({ signingSecret: 'shared-test-secret' });
    const cut = await sandbox({ signingSecret: 'shared-test-secret', faults: { truncateBodies: true } });
    const url = urlFor((await list(clean)).guestDataUrls, 1);
    const whole = await (await fetch(url)).text();
    expect(() => JSON.parse(whole)).not.toThrow();
    const res = await fetch(url.replace(clean.url, cut.url));
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();

    // truncateRate cuts only a share of bodies, deterministically.
    const some = await sandbox({
      signingSecret: 'shared-test-secret',
      faults: { truncateBodies: true, truncateRate: 0.5, seed: 3 },
    });
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      try {
        JSON.parse(await (await fetch(url.replace(clean.url, some.url))).text());
        outcomes.push('whole');
      } catch {
        outcomes.push('cut');
      }
    }
    expect(outcomes).toContain('whole');
    expect(outcomes).toContain('cut');
  });

  it('slows answers with slowMs', async () => {
    const sb = await sandbox({ faults: { slowMs: 200 } });
    const t0 = Date.now();
    await list(sb);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('reads faults from ELT_SANDBOX_FAULTS when none are passed', async () => {
    const before = process.env.ELT_SANDBOX_FAULTS;
    process.env.ELT_SANDBOX_FAULTS = 'status429Burst=1';
    try {
      const sb = await startTockSandbox({ stateDir: (await sandbox()).stateDir });
      try {
        const res = await fetch(`${sb.url}/api/data/export/urls`, { headers: authHeaders(sb) });
        expect(res.status).toBe(429);
      } finally {
        await sb.close();
      }
    } finally {
      if (before === undefined) delete process.env.ELT_SANDBOX_FAULTS;
      else process.env.ELT_SANDBOX_FAULTS = before;
    }
  });
});
