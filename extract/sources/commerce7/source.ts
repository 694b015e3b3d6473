/**
 * Commerce7 (docs/sources/commerce7.md): customers, orders, products and club memberships, each read by
 * cursor (`cursor=start`, then the cursor each answer returns) in pages of 50, following changes with
 * `updatedAt=gte:<ISO>` from the saved cursor minus an overlap. HTTP Basic plus the `tenant` header.
 */
import { checkSteps } from '../../kit/check.js';
import { cursor, restSource, type IncrementalSpec } from '../../kit/rest/index.js';
import type { SourceDefinition } from '../../kit/source.js';
import { commerce7Auth, commerce7Http, configureCommerce7, explain422, type Commerce7Config } from './config.js';
import { startCommerce7Sandbox } from './sandbox/index.js';

/** One customer: a cheap call that tells the vendor's clock, and the credentials check. */
const PROBE = { path: '/customer', query: { limit: 1 }, endpoint: 'commerce7 GET /customer' };

const kit = restSource<Commerce7Config>({
  name: 'commerce7',
  api: ({ instance }) => ({
    baseUrl: instance.config.apiUrl,
    auth: commerce7Auth(instance),
    headers: { tenant: instance.config.tenant },
    explain: explain422(instance.name),
  }),
  clock: PROBE,
});

/**
 * Everything changed since the cursor. The overlap re-reads records saved while the last run was reading
 * (the cursor is the vendor's time when that run began); unchanged ones add no version.
 */
const changes: IncrementalSpec = {
  params: (range) => ({ updatedAt: `gte:${new Date(range.start).toISOString()}` }),
  field: ['updatedAt'],
  initial: () => 0,
  overlapMs: 10 * 60_000,
};

const entity = (name: string, path: string, envelope: string) =>
  kit.entity({
    name,
    table: `raw_commerce7_${name}`,
    keyPath: ['id'],
    path,
    records: [envelope],
    paginator: cursor({ from: { field: ['cursor'] }, param: 'cursor', start: 'start' }),
    incremental: changes,
  });

export const commerce7: SourceDefinition<Commerce7Config> = {
  name: 'commerce7',
  title: 'Commerce7',
  configure: configureCommerce7,
  http: commerce7Http,
  entities: [
    entity('customers', '/customer', 'customers'),
    entity('orders', '/order', 'orders'),
    entity('products', '/product', 'products'),
    entity('club_memberships', '/club-membership', 'clubMemberships'),
  ],
  check: checkSteps([
    {
      name: 'credentials and tenant (customers)',
      async run(context) {
        const { value } = await kit.api(context).call(PROBE, context.signal);
        const total = (value as { total?: unknown } | undefined)?.total;
        return `tenant ${context.instance.config.tenant}: ${typeof total === 'number' ? total : '?'} customers`;
      },
    },
  ]),
  startSandbox: () => startCommerce7Sandbox(),
};
