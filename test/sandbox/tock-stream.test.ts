import http from 'node:http';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupAll, list, sandbox, urlFor } from './tock-helpers.js';

afterAll(cleanupAll);

const RECORDS = 100_000;

describe('tock sandbox: large files', () => {
  it(`streams ${RECORDS.toLocaleString('en')} records with flat memory, as valid JSON`, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tock-stream-'));
    try {
      const sb = await sandbox({ guestsInFirstExport: RECORDS, reservationsInFirstExport: 10 });
      const url = urlFor((await list(sb)).guestDataUrls, 1);
      const file = path.join(dir, 'guest-profile-1.json');

      const baseline = process.memoryUsage().heapUsed;
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }, 5);
      let chunks = 0;
      try {
        await new Promise<void>((resolve, reject) => {
          http
            .get(url, (res) => {
              expect(res.statusCode).toBe(200);
              expect(res.headers['transfer-encoding']).toBe('chunked');
              res.on('data', () => {
                chunks++;
                peak = Math.max(peak, process.memoryUsage().heapUsed);
              });
              pipeline(res, createWriteStream(file)).then(resolve, reject);
            })
            .on('error', reject);
        });
      } finally {
        clearInterval(sampler);
      }
      const size = (await stat(file)).size;
      const growthMb = (peak - baseline) / 1e6;
      // The file is ~100 MB; holding it (or even a fifth of it) in memory would show. GC timing makes the
      // bound loose on purpose.
      expect(size).toBeGreaterThan(80e6);
      expect(chunks).toBeGreaterThan(100);
      expect(growthMb).toBeLessThan(Math.max(60, (size / 1e6) * 0.5));

      const text = await readFile(file, 'utf8');
      const records = JSON.parse(text) as unknown[];
      expect(records).toHaveLength(RECORDS);
      expect(text.startsWith('[{"id":')).toBe(true);
      expect(text.endsWith('}]')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
