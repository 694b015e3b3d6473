/**
 * Arrivy (docs/sources/arrivy.md): customers and team members read whole every run (deletions landed as
 * tombstones), tasks in a rolling window of scheduled starts plus one pass over the unscheduled ones, and the
 * status history of every task whose record changed. Bare JSON arrays paged by page number; two auth headers.
 */
import { pageNumber, restSource, withDeletions, type ForEachSpec, type IncrementalSpec } from '../../kit/rest/index.js';
import { checkSteps } from '../../kit/check.js';
import type { SourceDefinition } from '../../kit/source.js';
import { DAY_MS } from '../../kit/windows.js';
import { arrivyAuth, configureArrivy, taskWindowMs, type ArrivyConfig } from './config.js';
import { startArrivySandbox } from './sandbox/index.js';

const PROFILE = { path: '/users/profile', endpoint: 'arrivy GET /users/profile' };
const pages = (size: number) => pageNumber({ size: { param: 'items_per_page', value: size } });
/** Arrivy wants an offset, not 'Z' ("+" travels as %2B). */
const isoWithOffset = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

const kit = restSource<ArrivyConfig>({
  name: 'arrivy',
  api: ({ instance }) => ({ baseUrl: instance.config.apiUrl, auth: arrivyAuth(instance) }),
  clock: PROFILE,
});

/**
 * Every run reads the whole window again: tasks change until long after they start (statuses, crews). The
 * settings are read when a run plans its window (getters), so a bad one fails the entity in a sentence.
 */
function taskWindow(aheadMs: () => number): IncrementalSpec {
  return {
    params: (range) => ({ from: isoWithOffset(range.start), to: isoWithOffset(range.end) }),
    field: ['start_datetime'],
    initial: (now) => now - taskWindowMs('back'),
    get rereadMs() {
      return taskWindowMs('back');
    },
    get aheadMs() {
      return aheadMs();
    },
    windowMs: 30 * DAY_MS,
    backfillUnit: 'month',
  };
}
const tasks = { path: '/tasks', paginator: pages(500), incremental: taskWindow(() => taskWindowMs('ahead')) };
/**
 * Status histories grow around a task's start: read for the window's tasks up to a week ahead. A report on a
 * task further ahead (a cancellation, say) lands once the task comes within the week; its `status` says so
 * at once.
 */
const statusParents = { ...tasks, incremental: taskWindow(() => 7 * DAY_MS) };
/** Tasks without a start: listed whole every run (a cancelled one still has its CANCELLED report). */
const unscheduled = { path: '/tasks', query: { unscheduled: true }, paginator: pages(500) };

/** The status history of each listed task whose record changed; a report gets the task it was listed under. */
const statusesOf = (name: string, parent: ForEachSpec['parent']) =>
  kit.entity({
    name,
    table: 'raw_arrivy_task_statuses',
    keyPath: ['id'],
    forEach: {
      parent,
      parentKey: ['id'],
      child: { path: '/tasks/{id}/status', paginator: pages(100) },
      // Its own task_id stays what it claims.
      as: 'listed_task_id',
      concurrency: 8,
    },
  });

export const arrivy: SourceDefinition<ArrivyConfig> = {
  name: 'arrivy',
  title: 'Arrivy',
  configure: configureArrivy,
  entities: [
    withDeletions(
      kit.entity({ name: 'customers', table: 'raw_arrivy_customers', keyPath: ['id'], paginator: pages(500) }),
    ),
    withDeletions(
      kit.entity({
        name: 'team_members',
        table: 'raw_arrivy_team_members',
        keyPath: ['id'],
        path: '/entities',
        paginator: pages(500),
      }),
    ),
    kit.entity({ name: 'tasks', table: 'raw_arrivy_tasks', keyPath: ['id'], ...tasks }),
    kit.entity({ name: 'unscheduled_tasks', table: 'raw_arrivy_tasks', keyPath: ['id'], ...unscheduled }),
    statusesOf('task_statuses', statusParents),
    statusesOf('unscheduled_task_statuses', unscheduled),
  ],
  check: checkSteps([
    {
      name: 'credentials (user profile)',
      async run(context) {
        const { value } = await kit.api(context).call(PROFILE, context.signal);
        const profile = value as { company_name?: string; email?: string } | undefined;
        return profile?.company_name ?? profile?.email ?? 'profile read';
      },
    },
  ]),
  startSandbox: () => startArrivySandbox(),
};
