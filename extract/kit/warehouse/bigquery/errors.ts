/** One sentence for what most often goes wrong when connecting to BigQuery: credentials, project, location. */
import { classify } from './api.js';
import type { BigQueryTarget } from './config.js';

export class BigQueryConnectError extends Error {
  override name = 'BigQueryConnectError';
}

const LOGIN_HINT =
  'set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run "gcloud auth application-default login"';

/** Google's OAuth errors and a key file's decoding errors: the credentials exist but are refused. */
const GOOGLE_REFUSED = new RegExp(
  'invalid_grant|invalid_client|unauthorized_client|invalid_rapt|Invalid JWT|' +
    'error:1E08010C|DECODER routines|private key',
  'i',
);

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).replace(/\s+$/, '');
}

/** Explains a failure of the first requests against the configured project; undefined when it is something else. */
export function explainConnectError(
  error: unknown,
  target: BigQueryTarget,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const e = classify(error);
  if (/does not exist, or it is not a file/.test(message)) {
    const file = env.GOOGLE_APPLICATION_CREDENTIALS ?? 'a file';
    return `GOOGLE_APPLICATION_CREDENTIALS points to ${file}, which does not exist or is not a file.`;
  }
  if (
    /Could not load the default credentials|Unable to detect a Project Id|Could not refresh access token/i.test(message)
  ) {
    return `No Google credentials for BigQuery were found: ${LOGIN_HINT}.`;
  }
  if (GOOGLE_REFUSED.test(message)) {
    return `Google refused the BigQuery credentials (${firstLine(message)}): ${LOGIN_HINT}.`;
  }
  if (e.status === 401) {
    return `BigQuery refused the credentials (401: ${firstLine(message)}): ${LOGIN_HINT}.`;
  }
  if (e.status === 403 && !e.retryable) {
    return `The credentials have no access to BigQuery project ${target.project} (403: ${firstLine(message)}).`;
  }
  if (e.status === 404 && /not found: project/i.test(message)) {
    const cannotSee = 'does not exist or the credentials cannot see it';
    return `BigQuery project ${target.project} ${cannotSee} (404: ${firstLine(message)}).`;
  }
  const location = /not found in location (\S+?)\.?$/i.exec(firstLine(message))?.[1];
  if (location !== undefined) {
    const configured = `BIGQUERY_LOCATION=${target.location}`;
    return `A dataset of ${target.project} is not in location ${location} (${configured}): ${firstLine(message)}.`;
  }
  return undefined;
}

export function locationMismatch(target: BigQueryTarget, dataset: string, actual: string): string {
  return (
    `BigQuery dataset ${target.project}.${dataset} is in location ${actual}, but BIGQUERY_LOCATION is ` +
    `${target.location}: set BIGQUERY_LOCATION=${actual} or use a dataset in ${target.location}.`
  );
}
