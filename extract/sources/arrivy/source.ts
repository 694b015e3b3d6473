/**
 * Arrivy (docs/sources/arrivy.md): customers and team members read whole every run (deletions landed as
 * tombstones), tasks in a rolling window of scheduled starts plus one pass over the unscheduled ones, and the
 * status history of every task whose record changed. Bare JSON arrays paged by page number; two auth headers.
 */
import { pageNumber, restSource, withDeletions, type IncrementalSpec } from '../../kit/rest/index.js';
import { checkStep, type CheckContext, type CheckStep, type SourceDefinition } from '../../kit/source.js';
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

async function* checkArrivy({ instance, http, signal }: CheckContext<ArrivyConfig>): AsyncIterable<CheckStep> {
  yield await checkStep('credentials (user profile)', async () => {
    const url = `${instance.config.apiUrl}${PROFILE.path}`;
    const { body } = await http.json<Record<string, unknown>>({
      url,
      endpoint: PROFILE.endpoint,
      auth: arrivyAuth(instance),
      signal,
    });
    return String(body?.company_name ?? body?.email ?? 'profile read');
  });
}

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
    kit.entity({
      name: 'unscheduled_tasks',
      table: 'raw_arrivy_tasks',
      keyPath: ['id'],
      path: '/tasks',
      query: { unscheduled: true },
      paginator: pages(500),
    }),
    kit.entity({
      name: 'task_statuses',
      table: 'raw_arrivy_task_statuses',
      keyPath: ['id'],
      // Each report gets the task it was listed under; its own task_id stays what it claims.
      forEach: {
        parent: statusParents,
        parentKey: ['id'],
        child: { path: '/tasks/{id}/status', paginator: pages(100) },
        as: 'listed_task_id',
        concurrency: 8,
      },
    }),
  ],
  check: checkArrivy,
  startSandbox: () => startArrivySandbox(),
};
