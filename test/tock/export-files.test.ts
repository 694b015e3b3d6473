import { describe, expect, it } from 'vitest';
import type { TockConfig } from '../../extract/sources/tock/config.js';
import {
  TockListingError,
  parseExportFile,
  selectFiles,
  type ExportFile,
  type TockState,
} from '../../extract/sources/tock/export-files.js';

const config = (allowedFileHosts: string[] = []): TockConfig => ({
  apiUrl: 'https://dashboard.exploretock.com',
  auth: 'unused',
  scope: '{}',
  allowedFileHosts,
});

const file = (n: number): ExportFile => ({
  name: `guest-profile-${n}.json`,
  number: n,
  url: `https://storage.googleapis.com/b/guest-profile-${n}.json`,
});
const files = [file(1), file(2), file(3), file(4)];
const landed = (...ns: number[]) =>
  Object.fromEntries(
    ns.map((n) => [`guest-profile-${n}.json`, { etag: `"e${n}"`, size: 10, landedAt: '2025-01-01T00:00:00Z' }]),
  );
const names = (list: ExportFile[]) => list.map((f) => f.number);

describe('selectFiles', () => {
  it('initial load (no state): every file, in the given (ascending) order', () => {
    expect(names(selectFiles(files, undefined, false))).toEqual([1, 2, 3, 4]);
  });

  it('resumed initial load: only the files not landed yet, even a gap', () => {
    const state: TockState = { initialLoadComplete: false, files: landed(1, 3) };
    expect(names(selectFiles(files, state, false))).toEqual([2, 4]);
    expect(names(selectFiles(files, { initialLoadComplete: false, files: landed(1, 2, 3, 4) }, false))).toEqual([]);
  });

  it('incremental: only the highest-numbered file, whether landed or not', () => {
    expect(names(selectFiles(files, { initialLoadComplete: true, files: landed(1, 2, 3) }, false))).toEqual([4]);
    expect(names(selectFiles(files, { initialLoadComplete: true, files: landed(1, 2, 3, 4) }, false))).toEqual([4]);
    expect(selectFiles([], { initialLoadComplete: true, files: landed(1) }, false)).toEqual([]);
  });

  it('full: every file again, whatever the state says', () => {
    expect(names(selectFiles(files, { initialLoadComplete: true, files: landed(1, 2, 3, 4) }, true))).toEqual([
      1, 2, 3, 4,
    ]);
    expect(names(selectFiles(files, { initialLoadComplete: false, files: landed(2) }, true))).toEqual([1, 2, 3, 4]);
    expect(names(selectFiles(files, undefined, true))).toEqual([1, 2, 3, 4]);
  });

  it('returns a copy: the caller may not mutate the listing through it', () => {
    const out = selectFiles(files, undefined, false);
    out.pop();
    expect(files).toHaveLength(4);
  });
});

describe('parseExportFile', () => {
  const signed = '?X-Goog-Algorithm=GOOG4-HMAC-SHA256&X-Goog-Signature=abcdef0123456789';

  it('accepts storage.googleapis.com and its subdomains over https', () => {
    const a = parseExportFile(
      `https://storage.googleapis.com/bucket/g/b/guest-profile-12.json${signed}`,
      'guest',
      config(),
    );
    expect(a).toEqual({
      name: 'guest-profile-12.json',
      number: 12,
      url: `https://storage.googleapis.com/bucket/g/b/guest-profile-12.json${signed}`,
    });
    const b = parseExportFile(
      `https://my-bucket.storage.googleapis.com/x/reservation-3.json${signed}`,
      'reservation',
      config(),
    );
    expect(b.name).toBe('reservation-3.json');
    expect(b.number).toBe(3);
    expect(parseExportFile('https://STORAGE.GoogleAPIs.com/b/guest-profile-1.json', 'guest', config()).number).toBe(1);
  });

  it('refuses storage.googleapis.com over plain http', () => {
    expect(() => parseExportFile('http://storage.googleapis.com/b/guest-profile-1.json', 'guest', config())).toThrow(
      TockListingError,
    );
    expect(() => parseExportFile('http://b.storage.googleapis.com/b/guest-profile-1.json', 'guest', config())).toThrow(
      /TOCK_ALLOWED_FILE_HOSTS/,
    );
  });

  it('refuses look-alike hosts', () => {
    for (const url of [
      'https://storage.googleapis.com.evil.example/b/guest-profile-1.json',
      'https://evilstorage.googleapis.com/b/guest-profile-1.json',
      'https://storage.googleapis.com@evil.example/b/guest-profile-1.json',
      'https://googleapis.com/b/guest-profile-1.json',
      'https://evil.example/storage.googleapis.com/guest-profile-1.json',
    ]) {
      expect(() => parseExportFile(url, 'guest', config()), url).toThrow(TockListingError);
    }
  });

  it('names the refused host and TOCK_ALLOWED_FILE_HOSTS, without the signed query', () => {
    let message = '';
    try {
      parseExportFile(`http://evil.example:8080/b/guest-profile-1.json${signed}`, 'guest', config());
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('"evil.example:8080"');
    expect(message).toContain('TOCK_ALLOWED_FILE_HOSTS');
    expect(message).not.toContain('abcdef0123456789');
  });

  it('accepts hosts named in TOCK_ALLOWED_FILE_HOSTS, by host name or by host:port', () => {
    expect(
      parseExportFile('http://files.example.com/guest-profile-2.json', 'guest', config(['files.example.com'])).number,
    ).toBe(2);
    expect(
      parseExportFile('http://files.example.com:8443/guest-profile-2.json', 'guest', config(['files.example.com']))
        .number,
    ).toBe(2);
    expect(
      parseExportFile('http://127.0.0.1:4000/guest-profile-2.json', 'guest', config(['127.0.0.1:4000'])).number,
    ).toBe(2);
    expect(() =>
      parseExportFile('http://127.0.0.1:4001/guest-profile-2.json', 'guest', config(['127.0.0.1:4000'])),
    ).toThrow(/TOCK_ALLOWED_FILE_HOSTS/);
    // An allowed host does not allow its subdomains.
    expect(() =>
      parseExportFile('http://x.files.example.com/guest-profile-2.json', 'guest', config(['files.example.com'])),
    ).toThrow(TockListingError);
  });

  it('refuses values that are not URLs', () => {
    expect(() => parseExportFile(42, 'guest', config())).toThrow(
      'the export listing holds a number where a file URL was expected',
    );
    expect(() => parseExportFile(null, 'guest', config())).toThrow(/holds a object/);
    expect(() => parseExportFile('not a url', 'guest', config())).toThrow(/invalid URL: not a url/);
  });

  it('refuses file names that do not look like the entity', () => {
    const bad = [
      'reservation-1.json', // the other entity
      'guest-profile-.json',
      'guest-profile-1.json.gz',
      'guest-profile-x.json',
      'guest-profile--1.json',
      'guest-profile-1.JSON',
      'prefix-guest-profile-1.json',
      '', // a directory
    ];
    for (const name of bad) {
      expect(() => parseExportFile(`https://storage.googleapis.com/b/${name}`, 'guest', config()), name).toThrow(
        TockListingError,
      );
    }
    expect(() =>
      parseExportFile('https://storage.googleapis.com/b/guest-profile-1.json', 'reservation', config()),
    ).toThrow('unexpected reservation export file name "guest-profile-1.json"');
  });

  it('takes the name from the last path segment, percent-decoded', () => {
    const f = parseExportFile('https://storage.googleapis.com/b/dir%2Fx/guest%2Dprofile%2D7.json', 'guest', config());
    expect(f.name).toBe('guest-profile-7.json');
    expect(f.number).toBe(7);
  });
});

describe('parseExportFile: malformed names', () => {
  it('a broken percent escape in the file name is a TockListingError', () => {
    expect(() =>
      parseExportFile('https://storage.googleapis.com/b/guest-profile-1%E0%A4%A.json', 'guest', config()),
    ).toThrow(TockListingError);
  });
});
