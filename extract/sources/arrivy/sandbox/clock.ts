/**
 * Arrivy's two ways of writing a time: UTC without a zone designator ("2025-03-04T17:05:11") and the
 * business's wall clock with its offset ("2025-03-04T09:05:11-08:00", the *_original_iso_str copies).
 * The offset comes from the IANA zone at that instant, so it changes across daylight-saving time.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** "2025-03-04T17:05:11": an instant in UTC, seconds precision, no zone designator. */
export function utcText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

function offsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${hh}:${mm}`;
}

/** The wall clock of one business (an IANA time zone). */
export class BusinessClock {
  private readonly format: Intl.DateTimeFormat;
  /** Offsets by hour since 1970: zones change offset on whole hours, and pages ask for thousands of times. */
  private readonly offsets = new Map<number, number>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  }

  /** Minutes east of UTC at an instant (-480 for Pacific standard time). */
  offsetMinutes(ms: number): number {
    const hour = Math.floor(ms / HOUR_MS);
    let minutes = this.offsets.get(hour);
    if (minutes === undefined) {
      const name = this.format.formatToParts(hour * HOUR_MS).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
      const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
      if (!m) throw new Error(`unexpected offset "${name}" for time zone ${this.timeZone}`);
      minutes = m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
      this.offsets.set(hour, minutes);
    }
    return minutes;
  }

  /** "2025-03-04T09:05:11-08:00": the instant on this business's clock, with the offset in force. */
  originalIso(ms: number): string {
    const minutes = this.offsetMinutes(ms);
    return utcText(ms + minutes * MINUTE_MS) + offsetText(minutes);
  }

  /** The business's calendar day of an instant, as days since 1970-01-01 on its wall clock. */
  localDay(ms: number): number {
    return Math.floor((ms + this.offsetMinutes(ms) * MINUTE_MS) / DAY_MS);
  }

  /** The instant at which the wall clock shows `minuteOfDay` on local day `day` (outside DST gaps). */
  instant(day: number, minuteOfDay: number): number {
    const wall = day * DAY_MS + minuteOfDay * MINUTE_MS;
    const guess = wall - this.offsetMinutes(wall) * MINUTE_MS;
    return wall - this.offsetMinutes(guess) * MINUTE_MS;
  }
}
