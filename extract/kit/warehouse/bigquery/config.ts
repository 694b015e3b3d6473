/**
 * Which BigQuery to use, from the environment: ELT_WAREHOUSE=bigquery, BIGQUERY_PROJECT, BIGQUERY_DATASET
 * (raw tables), BIGQUERY_LOCATION, optional BIGQUERY_STAGING_BUCKET and BIGQUERY_DBT_DATASET. Credentials
 * are Google's Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS or `gcloud auth
 * application-default login`); nothing here reads them.
 * Demo runs (sandbox sources) use separate datasets (<name>_demo) so demo and real data never mix.
 */

export interface BigQueryTarget {
  project: string;
  /** Raw landing tables (raw_<source>_<entity>) and their __latest views. */
  dataset: string;
  /** The toolkit's own tables: runs, jobs, http_metrics, state, quarantine, run_lock, staging tables. */
  metaDataset: string;
  /** Base dataset of the dbt models (target.schema; models go to <it>_staging, _intermediate, _marts). */
  dbtDataset: string;
  location: string;
  /** GCS bucket (optionally with a path prefix) that large loads are staged through; direct upload otherwise. */
  stagingBucket?: { bucket: string; prefix: string };
  /** For logs and the summary: no credentials. */
  description: string;
  demo: boolean;
}

export class BigQueryConfigError extends Error {
  override name = 'BigQueryConfigError';
}

export const DEMO_SUFFIX = '_demo';
export const META_SUFFIX = '_elt';

export type WarehouseKind = 'postgres' | 'bigquery';

/** ELT_WAREHOUSE: postgres (the default: embedded, DATABASE_URL or PG*) or bigquery. */
export function warehouseKind(env: NodeJS.ProcessEnv = process.env): WarehouseKind {
  const value = (env.ELT_WAREHOUSE ?? '').trim().toLowerCase();
  if (value === '' || value === 'postgres' || value === 'postgresql') return 'postgres';
  if (value === 'bigquery') return 'bigquery';
  throw new BigQueryConfigError(`ELT_WAREHOUSE must be "postgres" or "bigquery", got "${env.ELT_WAREHOUSE}".`);
}

const PROJECT = /^(?:[a-z][a-z0-9.-]*:)?[a-z][a-z0-9-]{4,61}[a-z0-9]$/;
const DATASET = /^[A-Za-z0-9_]{1,1000}$/;

function required(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name]?.trim();
  if (!value) throw new BigQueryConfigError(`ELT_WAREHOUSE=bigquery needs ${name} (${what}).`);
  return value;
}

function parseBucket(value: string): { bucket: string; prefix: string } {
  const text = value.trim().replace(/^gs:\/\//, '');
  const slash = text.indexOf('/');
  const bucket = slash < 0 ? text : text.slice(0, slash);
  let prefix = slash < 0 ? '' : text.slice(slash + 1);
  if (!/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(bucket)) {
    throw new BigQueryConfigError(
      `BIGQUERY_STAGING_BUCKET must be a GCS bucket name (optionally gs://bucket/prefix), got "${value}".`,
    );
  }
  if (prefix && !prefix.endsWith('/')) prefix += '/';
  return { bucket, prefix };
}

export function resolveBigQueryTarget(
  env: NodeJS.ProcessEnv = process.env,
  options: { demo?: boolean } = {},
): BigQueryTarget {
  const demo = options.demo ?? false;
  const project = required(env, 'BIGQUERY_PROJECT', 'the Google Cloud project id');
  const baseDataset = required(env, 'BIGQUERY_DATASET', 'the dataset raw tables land in');
  const location = env.BIGQUERY_LOCATION?.trim() || 'US';
  const baseDbtDataset = env.BIGQUERY_DBT_DATASET?.trim() || 'analytics';
  if (!PROJECT.test(project))
    throw new BigQueryConfigError(`BIGQUERY_PROJECT must be a project id (e.g. my-project-123), got "${project}".`);
  for (const [name, value] of [
    ['BIGQUERY_DATASET', baseDataset],
    ['BIGQUERY_DBT_DATASET', baseDbtDataset],
  ] as const) {
    if (!DATASET.test(value))
      throw new BigQueryConfigError(`${name} must be a dataset name (letters, digits, underscores), got "${value}".`);
  }
  const dataset = demo ? baseDataset + DEMO_SUFFIX : baseDataset;
  const dbtDataset = demo ? baseDbtDataset + DEMO_SUFFIX : baseDbtDataset;
  const stagingBucket = env.BIGQUERY_STAGING_BUCKET?.trim() ? parseBucket(env.BIGQUERY_STAGING_BUCKET) : undefined;
  return {
    project,
    dataset,
    metaDataset: dataset + META_SUFFIX,
    dbtDataset,
    location,
    stagingBucket,
    description: `BigQuery ${project}.${dataset} (${location})`,
    demo,
  };
}

/** dbt vars for BigQuery: the sources read the raw dataset from var raw_schema. */
export function bigQueryDbtVars(target: BigQueryTarget): Record<string, unknown> {
  return { raw_schema: target.dataset };
}

/** Environment for dbt's `bigquery` target (profiles.yml reads these) pointing at the same datasets. */
export function bigQueryDbtEnvironment(target: BigQueryTarget): Record<string, string> {
  return {
    BIGQUERY_PROJECT: target.project,
    BIGQUERY_LOCATION: target.location,
    // The raw dataset (demo-suffixed in demo runs): dbt_project.yml's raw_schema on BigQuery.
    BIGQUERY_DATASET: target.dataset,
    BIGQUERY_DBT_DATASET: target.dbtDataset,
  };
}
