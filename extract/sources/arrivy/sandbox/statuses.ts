/**
 * A task's status history: the reports its crew, the customer and the office make. Planned in full from
 * the task's start (a report time may lie ahead of the clock; the world shows only the past ones).
 */
import type { Random } from '../../../kit/sandbox/random.js';
import { DAY_MS, MINUTE_MS } from './clock.js';

export const STATUS_TYPES = [
  'NOTSTARTED',
  'ENROUTE',
  'STARTED',
  'COMPLETE',
  'EXCEPTION',
  'CANCELLED',
  'PREPARING',
  'CONFIRMED',
  'CUSTOM',
  'RECOMMENDED',
  'RESCHEDULED',
  'CUSTOMER_EXCEPTION',
  'READYFORPICKUP',
] as const;
export type StatusType = (typeof STATUS_TYPES)[number];

/** A report's place in its task's plan: fixes the report's id, whatever else becomes visible later. */
export const ORDINAL = {
  CONFIRMED: 1,
  RESCHEDULED: 2,
  ENROUTE: 3,
  STARTED: 4,
  EXCEPTION: 5,
  COMPLETE: 6,
  CANCELLED: 7,
};
/** Room for this many reports per task in the status id space. */
export const REPORTS_PER_TASK = 16;

export type Reporter = number | 'office' | 'customer';

export interface StatusEvent {
  ordinal: number;
  type: StatusType;
  time: number;
  /** A crew member (team member index), the office or the customer. */
  reporter: Reporter;
  notes?: string;
}

/**
 * The reports around a start: the customer may confirm the day before (if the task had its start by then);
 * then the crew reports ENROUTE (most remember), STARTED on site (on time, late, or early), sometimes an
 * EXCEPTION (half of those never complete), and COMPLETE after about the planned duration. A few crews
 * never report anything.
 */
export function crewReports(
  rng: Random,
  scheduledAt: number,
  start: number,
  durationMinutes: number,
  crewAt: (t: number) => Reporter,
): StatusEvent[] {
  const events: StatusEvent[] = [];
  const report = (ordinal: number, type: StatusType, time: number, notes?: string) =>
    events.push({ ordinal, type, time, reporter: crewAt(time), ...(notes ? { notes } : {}) });
  const confirmed = start - DAY_MS - rng.int(0, 8 * 60) * MINUTE_MS;
  if (rng.chance(0.3) && confirmed > scheduledAt) {
    events.push({ ordinal: ORDINAL.CONFIRMED, type: 'CONFIRMED', time: confirmed, reporter: 'customer' });
  }
  if (rng.chance(0.03)) return events;
  const [early, late] = rng.pickWeighted<[number, number]>([
    [[-10, 10], 70],
    [[15, 75], 25],
    [[-40, -15], 5],
  ]);
  const started = start + rng.int(early, late) * MINUTE_MS;
  if (rng.chance(0.88)) report(ORDINAL.ENROUTE, 'ENROUTE', started - rng.int(10, 45) * MINUTE_MS);
  report(ORDINAL.STARTED, 'STARTED', started);
  if (rng.chance(0.04)) {
    const notes = rng.pick(['Customer not home', 'Parts missing', 'Access blocked']);
    report(ORDINAL.EXCEPTION, 'EXCEPTION', started + rng.int(20, 60) * MINUTE_MS, notes);
    if (rng.chance(0.5)) return events;
  }
  report(ORDINAL.COMPLETE, 'COMPLETE', started + Math.round(durationMinutes * (0.8 + rng.next() * 0.5)) * MINUTE_MS);
  return events;
}
