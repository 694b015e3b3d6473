/**
 * Square's incremental dbt models give exactly the rows a full build gives.
 *
 * The seed fixtures land in three loads: what was landed before March 2024, then the rest of the fixtures
 * (locations only now: every order's time zone changes from UTC), then a day of edits made for this test -
 * a location moved to another time zone and renamed, a customer's new email, a cancelled booking, payments
 * landing late for old orders (the team member and the customer they are credited to change), a variation
 * moved to another catalog item, an order edited down to one line, an older payment edit landing after a
 * newer one, a new order with its payment. dbt
 * builds after each load (`dbt build`, tests included: after the first, every incremental model runs
 * incrementally and its tests read the rows it wrote), then every Square table is compared, row for row,
 * with a `--full-refresh` build of the same data. The build-time columns (`_built_at`, `built_at`) are the
 * only ones left out.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDbt, type DbtResult } from '../../extract/kit/dbt/run.js';
import { targetEnvironment } from '../../extract/kit/warehouse/postgres/connection.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';

const RAW = 'analytics_raw_fixtures';
const SEEDS = [
  'locations',
  'customers',
  'team_members',
  'loyalty_accounts',
  'payments',
  'orders',
  'bookings',
  'catalog_objects',
].map((e) => `raw_square_${e}`);
const FIRST_LOAD_BEFORE = '2024-03-01';
const BUILT_AT = new Set(['_built_at', 'built_at']);

let db: TestDatabase;
let scratch: string;

async function dbt(args: string[]): Promise<DbtResult> {
  return runDbt([...args, '--target-path', path.join(scratch, 'target'), '--log-path', path.join(scratch, 'logs')], {
    target: 'local',
    env: { ...(process.env as Record<string, string>), ...targetEnvironment(db.target) },
    vars: { fixtures: true },
  });
}

const build = (...extra: string[]) =>
  dbt(['build', '--select', 'source:square+', '--exclude-resource-type', 'unit_test', ...extra]);

function expectOk(result: DbtResult): void {
  expect(
    result.ok,
    result.output
      .split('\n')
      .filter((l) => /ERROR|FAIL|Error/.test(l))
      .join('\n') || result.output.slice(-3000),
  ).toBe(true);
}

/** A day of edits: each a new raw version, as the extractor would land it. */
async function landEdits(): Promise<void> {
  const next = (table: string) => `(select max(_seq) from ${RAW}.${table})`;
  const loaded = `timestamptz '2024-09-01 06:00:00+00'`;
  // The downtown location moves to another time zone and is renamed.
  await db.query(`
    insert into ${RAW}.raw_square_locations
    select ${next('raw_square_locations')} + 1, _source_instance, _key, md5(record::text || 'moved'),
        record || '{"timezone": "America/New_York", "name": "Downtown Salon East"}', _origin, ${loaded}, 100
    from ${RAW}.raw_square_locations where _key = 'L1DOWNTOWN'`);
  // Payments landing late for old orders, completed before the ones landed: ORD_A1 is now credited to team
  // member TM2, ORD_J1 (no customer of its own) to CUST_MARY.
  await db.query(
    `
    insert into ${RAW}.raw_square_payments
    select ${next('raw_square_payments')} + row_number() over (order by _seq), _source_instance, 'EARLIER_' || _key,
        md5(record::text || 'earlier'),
        record || jsonb_build_object('id', 'EARLIER_' || _key, 'receipt_number', 'E_' || _key)
          || (case _key when 'PAY_A1' then $1::jsonb else $2::jsonb end),
        _origin, ${loaded}, 100
    from ${RAW}.raw_square_payments where _seq in (2, 8)`,
    [
      {
        created_at: '2024-01-05T18:00:00Z',
        updated_at: '2024-01-05T18:00:00Z',
        team_member_id: 'TM2',
        customer_id: 'CUST_MARY',
      },
      { created_at: '2024-06-01T07:58:00Z', updated_at: '2024-06-01T07:58:00Z', customer_id: 'CUST_MARY' },
    ].map((edit) => JSON.stringify(edit)),
  );
  // An older edit of PAY_A2 lands after the newer one: the newer one stays.
  await db.query(`
    insert into ${RAW}.raw_square_payments
    select ${next('raw_square_payments')} + 1, _source_instance, _key, md5(record::text || 'late'),
        record || '{"updated_at": "2024-02-10T19:00:00Z", "note": "an older edit landed late"}',
        _origin, ${loaded}, 100
    from ${RAW}.raw_square_payments where _seq = 4`);
  // A new order and its payment.
  await db.query(
    `
    insert into ${RAW}.raw_square_orders
    select ${next('raw_square_orders')} + 1, _source_instance, 'ORD_NEW', md5(record::text || 'new'),
        record || $1::jsonb, _origin, ${loaded}, 100
    from ${RAW}.raw_square_orders where _key = 'ORD_A1'`,
    [
      JSON.stringify({
        id: 'ORD_NEW',
        created_at: '2024-08-31T18:00:00Z',
        updated_at: '2024-08-31T18:30:00Z',
        closed_at: '2024-08-31T18:30:00Z',
        customer_id: 'CUST_JOHN',
      }),
    ],
  );
  await db.query(
    `
    insert into ${RAW}.raw_square_payments
    select ${next('raw_square_payments')} + 1, _source_instance, 'PAY_NEW', md5(record::text || 'new'),
        record || $1::jsonb, _origin, ${loaded}, 100
    from ${RAW}.raw_square_payments where _seq = 2`,
    [
      JSON.stringify({
        id: 'PAY_NEW',
        order_id: 'ORD_NEW',
        created_at: '2024-08-31T18:30:00Z',
        updated_at: '2024-08-31T18:30:00Z',
        customer_id: 'CUST_JOHN',
        receipt_number: 'Y_NEW',
      }),
    ],
  );
  // ORD_A3 is edited down to its first line (a burger with two modifiers).
  await db.query(`
    insert into ${RAW}.raw_square_orders
    select ${next('raw_square_orders')} + 1, _source_instance, _key, md5(record::text || 'one line'),
        jsonb_set(record || '{"version": 2, "updated_at": "2024-09-01T00:00:00Z"}', '{line_items}',
                  jsonb_build_array(record -> 'line_items' -> 0)),
        _origin, ${loaded}, 100
    from ${RAW}.raw_square_orders where _key = 'ORD_A3'`);
  // A customer changes email address; a booking is cancelled.
  await db.query(`
    insert into ${RAW}.raw_square_customers
    select ${next('raw_square_customers')} + 1, _source_instance, _key, md5(record::text || 'new email'),
        record || '{"email_address": "Ana.New@Example.com", "updated_at": "2024-09-01T00:00:00Z", "version": 9}',
        _origin, ${loaded}, 100
    from ${RAW}.raw_square_customers where _key = 'CUST_ANA' order by _seq desc limit 1`);
  await db.query(`
    insert into ${RAW}.raw_square_bookings
    select ${next('raw_square_bookings')} + 1, _source_instance, _key, md5(record::text || 'cancelled'),
        record || '{"status": "CANCELLED_BY_CUSTOMER", "updated_at": "2024-09-01T00:00:00Z", "version": 2}',
        _origin, ${loaded}, 100
    from ${RAW}.raw_square_bookings where _key = 'BK_A5'`);
  // The burger variation moves to another catalog item.
  await db.query(
    `
    insert into ${RAW}.raw_square_catalog_objects
    select ${next('raw_square_catalog_objects')} + 1, 'default', 'V_BURGER', md5('V_BURGER moved'), $1::jsonb,
        'catalog:2024-09-01', ${loaded}, 100`,
    [
      JSON.stringify({
        type: 'ITEM_VARIATION',
        id: 'V_BURGER',
        updated_at: '2024-09-01T00:00:00Z',
        created_at: '2023-01-01T00:00:00Z',
        version: 3,
        is_deleted: false,
        present_at_all_locations: true,
        item_variation_data: {
          item_id: 'ITEM_OLD',
          name: 'Regular',
          ordinal: 1,
          pricing_type: 'FIXED_PRICING',
          price_money: { amount: 1500, currency: 'USD' },
          sku: 'v_burger',
        },
      }),
    ],
  );
}

/** Square's tables (what the models materialise), as schema.table. */
async function squareTables(): Promise<string[]> {
  const rows = await db.query<{ name: string }>(`
    select table_schema || '.' || table_name as name
    from information_schema.tables
    where table_schema in ('analytics_staging', 'analytics_intermediate', 'analytics_marts')
        and table_type = 'BASE TABLE' and table_name like '%square%'
    order by 1`);
  return rows.map((r) => r.name);
}

async function columnsOf(table: string): Promise<string[]> {
  const [schema, name] = table.split('.');
  const rows = await db.query<{ column_name: string }>(
    `select column_name from information_schema.columns
     where table_schema = $1 and table_name = $2 order by ordinal_position`,
    [schema, name],
  );
  return rows.map((r) => r.column_name).filter((c) => !BUILT_AT.has(c));
}

let tables: string[] = [];
const differences: Record<string, number> = {};
const incremental: Record<string, string> = {};

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'square-dbt-incremental-'));
  db = await freshDatabase('elt_test_square_dbt_incremental');
  expectOk(await dbt(['seed', '--select', ...SEEDS]));

  // Load 1: what had landed before March 2024, up to the first version landed later (loads are in _seq
  // order: a version never lands with a lower _seq than one landed before it). The rest waits aside.
  await db.query('create schema later');
  for (const seed of SEEDS) {
    const firstLater = `select min(_seq) from ${RAW}.${seed} where _loaded_at >= '${FIRST_LOAD_BEFORE}'`;
    const later = `_seq >= coalesce((${firstLater}), 1e18)`;
    await db.query(`create table later.${seed} as select * from ${RAW}.${seed} where ${later}`);
    await db.query(`delete from ${RAW}.${seed} where ${later}`);
  }
  expectOk(await build());

  // Load 2: the rest of the fixtures.
  for (const seed of SEEDS) await db.query(`insert into ${RAW}.${seed} select * from later.${seed}`);
  expectOk(await build());

  // Load 3: a day of edits.
  await landEdits();
  expectOk(await build());

  tables = await squareTables();
  await db.query('create schema incremental_result');
  for (const table of tables)
    await db.query(`create table incremental_result.${table.split('.')[1]} as select * from ${table}`);
  for (const model of [
    'stg_square__orders',
    'stg_square__customers',
    'stg_square__bookings',
    'int_square_orders_attributed',
    'fct_square_order_lines',
    'fct_square_modifier_sales',
    'fct_square_payments',
  ]) {
    const [row] = await db.query<{ materialization: string }>(
      `select case when count(distinct coalesce(_built_at, built_at)) > 1 then 'incremental' else 'full' end
         as materialization
       from (select to_jsonb(t) ->> '_built_at' as _built_at, to_jsonb(t) ->> 'built_at' as built_at
             from incremental_result.${model} as t) as b`,
    );
    incremental[model] = row!.materialization;
  }

  // The same data, built in full.
  expectOk(await dbt(['run', '--select', 'source:square+', '--full-refresh']));
  for (const table of tables) {
    const columns = (await columnsOf(table)).map((c) => `"${c}"`).join(', ');
    const snapshot = `incremental_result.${table.split('.')[1]}`;
    const [row] = await db.query<{ n: string }>(`
      select count(*) as n from (
          (select ${columns} from ${snapshot} except all select ${columns} from ${table})
          union all
          (select ${columns} from ${table} except all select ${columns} from ${snapshot})
      ) as difference`);
    differences[table] = Number(row!.n);
  }
}, 600_000);

afterAll(async () => {
  await db?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('square dbt models: incremental builds equal a full refresh', () => {
  it('builds incrementally after the first load (rows of several builds in one table)', () => {
    expect(incremental).toEqual({
      stg_square__orders: 'incremental',
      stg_square__customers: 'incremental',
      stg_square__bookings: 'incremental',
      int_square_orders_attributed: 'incremental',
      fct_square_order_lines: 'incremental',
      fct_square_modifier_sales: 'incremental',
      fct_square_payments: 'incremental',
    });
  });

  it('the edits reached the facts', async () => {
    const lines = await db.query<{
      order_id: string;
      lines: number;
      team_member_id: string | null;
      customer_id: string | null;
      time_zone: string;
      items: string;
    }>(`
      select order_id, cast(count(*) as int) as lines, max(team_member_id) as team_member_id,
          max(customer_id) as customer_id, max(time_zone) as time_zone,
          string_agg(distinct coalesce(catalog_item_id, '-'), ',') as items
      from incremental_result.fct_square_order_lines
      where order_id in ('ORD_A1', 'ORD_A3', 'ORD_A5', 'ORD_J1', 'ORD_NEW')
      group by order_id order by order_id`);
    expect(lines).toEqual([
      {
        order_id: 'ORD_A1',
        lines: 1,
        team_member_id: 'TM2',
        customer_id: 'CUST_ANA',
        time_zone: 'America/New_York',
        items: 'ITEM_CUT',
      },
      {
        order_id: 'ORD_A3',
        lines: 1,
        team_member_id: 'TM1',
        customer_id: 'CUST_ANA',
        time_zone: 'America/New_York',
        items: 'ITEM_OLD',
      },
      {
        order_id: 'ORD_A5',
        lines: 1,
        team_member_id: null,
        customer_id: 'CUST_ANA',
        time_zone: 'America/New_York',
        items: 'ITEM_OLD',
      },
      {
        order_id: 'ORD_J1',
        lines: 1,
        team_member_id: null,
        customer_id: 'CUST_MARY',
        time_zone: 'Asia/Kuwait',
        items: 'ITEM_KARAK',
      },
      {
        order_id: 'ORD_NEW',
        lines: 1,
        team_member_id: 'TM1',
        customer_id: 'CUST_JOHN',
        time_zone: 'America/New_York',
        items: 'ITEM_CUT',
      },
    ]);
    const payments = await db.query<{ location_name: string; time_zone: string }>(
      `select distinct location_name, time_zone from incremental_result.fct_square_payments
       where location_id = 'L1DOWNTOWN'`,
    );
    expect(payments).toEqual([{ location_name: 'Downtown Salon East', time_zone: 'America/New_York' }]);
  });

  it('every Square table holds exactly the rows of a full refresh', () => {
    expect(tables.length).toBeGreaterThanOrEqual(20);
    expect(differences).toEqual(Object.fromEntries(tables.map((t) => [t, 0])));
  });
});
