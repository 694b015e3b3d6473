/**
 * Time for the Toast sandbox: its clock, business dates as day numbers (days since 1970-01-01, so date
 * arithmetic is integer arithmetic), Toast's timestamp format, and where a restaurant's business day starts
 * in UTC (local midnight plus the closeout hour, in the restaurant's IANA time zone).
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** The sandbox clock before any advance() (contract: a fixed start, one day per advance). */
export const START_MS = Date.UTC(2026, 2, 1, 9);
/** The first business date with data (2024-12-01). */
export const FIRST_DAY = Date.UTC(2024, 11, 1) / DAY_MS;

/** 20250105 -> day number; undefined when it is not a real calendar date. */
function dayFromYmd(ymd: number): number | undefined {
  const y = Math.floor(ymd / 10000);
  const m = Math.floor(ymd / 100) % 100;
  const d = ymd % 100;
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return undefined;
  return ms / DAY_MS;
}

/** Day number -> 20250105. */
export function ymdFromDay(day: number): number {
  const date = new Date(day * DAY_MS);
  return date.getUTCFullYear() * 10000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

/** Monday = 0 ... Sunday = 6. */
export function weekday(day: number): number {
  return (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
}

/** Character codes of "2025-01-05T" by day number (a few thousand days at most). */
const datePrefixes = new Map<number, number[]>();
const timeCodes: number[] = Array.from('2025-01-05T18:03:11.123+0000', (c) => c.charCodeAt(0));

/**
 * Toast's timestamp form: 2025-01-05T18:03:11.123+0000 (always UTC). Orders carry dozens of timestamps:
 * toISOString() and concatenation (a rope JSON.stringify must flatten) cost a fifth of the serving time, so
 * the characters are written into one buffer of codes.
 */
export function toastTime(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let prefix = datePrefixes.get(day);
  if (prefix === undefined) {
    prefix = Array.from(new Date(day * DAY_MS).toISOString().slice(0, 11), (c) => c.charCodeAt(0));
    datePrefixes.set(day, prefix);
  }
  for (let i = 0; i < 11; i++) timeCodes[i] = prefix[i]!;
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / HOUR_MS);
  rest -= h * HOUR_MS;
  const m = Math.floor(rest / MINUTE_MS);
  rest -= m * MINUTE_MS;
  const s = Math.floor(rest / 1000);
  writeDigits(11, h, 2);
  writeDigits(14, m, 2);
  writeDigits(17, s, 2);
  writeDigits(20, rest - s * 1000, 3);
  return String.fromCharCode.apply(null, timeCodes);
}

function writeDigits(at: number, value: number, width: number): void {
  for (let i = width - 1; i >= 0; i--) {
    timeCodes[at + i] = 48 + (value % 10);
    value = Math.floor(value / 10);
  }
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses an ISO 8601 query timestamp with an offset (Z, +0000 or +00:00); undefined when malformed.
 * A `+` sent unencoded arrives as a space and is refused, as a form-decoding server would.
 */
export function parseToastTime(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number((frac ?? '0').padEnd(3, '0')));
  if (!Number.isFinite(local) || new Date(local).getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (zone === 'Z') return local;
  const digits = zone!.replace(':', '');
  const offset = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * MINUTE_MS;
  return digits[0] === '+' ? local - offset : local + offset;
}

/** yyyymmdd -> day number; undefined when malformed. */
export function parseBusinessDate(text: string): number | undefined {
  return /^\d{8}$/.test(text) ? dayFromYmd(Number(text)) : undefined;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Local time minus UTC at an instant, in ms (e.g. -5 h for New York in winter). */
function utcOffsetMs(timeZone: string, at: number): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(at)) parts[p.type] = Number(p.value);
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day, parts.hour, parts.minute, parts.second);
  return local - Math.floor(at / 1000) * 1000;
}

/** Where business days start in UTC for one restaurant; offsets are looked up once per day. */
export class BusinessDays {
  private readonly midnights = new Map<number, number>();

  constructor(
    readonly timeZone: string,
    readonly closeoutHour: number,
  ) {}

  /**
   * Local midnight of the business date, in UTC ms. The offset is taken at 12:00 UTC, early morning in the
   * Americas: after a 2 a.m. DST switch, so the business day (closeout to closeout) gets its own offset.
   */
  midnight(day: number): number {
    let at = this.midnights.get(day);
    if (at === undefined) {
      at = day * DAY_MS - utcOffsetMs(this.timeZone, day * DAY_MS + 12 * HOUR_MS);
      this.midnights.set(day, at);
    }
    return at;
  }

  /** First instant of the business date (closeout hour, local). */
  start(day: number): number {
    return this.midnight(day) + this.closeoutHour * HOUR_MS;
  }

  /** The business date an instant belongs to. */
  dayOf(at: number): number {
    const guess = Math.floor((at + utcOffsetMs(this.timeZone, at) - this.closeoutHour * HOUR_MS) / DAY_MS);
    if (at < this.start(guess)) return guess - 1;
    return at >= this.start(guess + 1) ? guess + 1 : guess;
  }
}
