/**
 * Staging large loads through Google Cloud Storage (BIGQUERY_STAGING_BUCKET): each chunk file is uploaded
 * with a resumable upload (CRC32C-checked), loaded from its gs:// URI, and deleted once its unit has
 * committed. The bucket should be in the dataset's location. Retries are ours, with the BigQuery calls'
 * policy: the storage client's own are off, and a retried upload resumes its session where GCS says it
 * stopped instead of sending the whole chunk again.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Storage } from '@google-cloud/storage';
import { retrying, sleepReal, type RetryPolicy } from '../../retry.js';
import { classify, DEFAULT_BIGQUERY_RETRY } from './api.js';
import type { BigQueryTarget } from './config.js';
import type { StagingStore } from './loader.js';

type StorageOptions = NonNullable<ConstructorParameters<typeof Storage>[0]>;

export interface GcsStagingOptions {
  apiEndpoint?: string;
  authClient?: StorageOptions['authClient'];
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
}

export class GcsStagingStore implements StagingStore {
  private readonly storage: Storage;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly target: BigQueryTarget,
    options: GcsStagingOptions = {},
  ) {
    if (!target.stagingBucket) throw new Error('no staging bucket configured');
    this.retry = { ...DEFAULT_BIGQUERY_RETRY, ...options.retry };
    this.sleep = options.sleep ?? sleepReal;
    this.storage = new Storage({
      projectId: target.project,
      ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
      ...(options.authClient ? { authClient: options.authClient } : {}),
      // With the client's retries off it must also not judge errors, or a failed upload loses its status.
      retryOptions: { autoRetry: false, maxRetries: 0, retryableErrorFn: () => false },
    });
  }

  private withRetry<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
    return retrying(this.retry, (error) => classify(error).retryable, fn, this.sleep);
  }

  async upload(file: string, name: string): Promise<string> {
    const { bucket, prefix } = this.target.stagingBucket!;
    const destination = `${prefix}elt-staging/${name}`;
    const object = this.storage.bucket(bucket).file(destination);
    const metadata = { contentType: 'application/x-ndjson' };
    const [uri] = await this.withRetry(() => object.createResumableUpload({ metadata }));
    // The first attempt starts at byte 0; a retry leaves out the offset, so the client asks GCS for it.
    await this.withRetry((attempt) => {
      const offset = attempt === 1 ? { offset: 0 } : {};
      const upload = object.createWriteStream({ resumable: true, validation: 'crc32c', metadata, uri, ...offset });
      return pipeline(createReadStream(file), upload);
    });
    return `gs://${bucket}/${destination}`;
  }

  async remove(uris: readonly string[]): Promise<void> {
    const { bucket } = this.target.stagingBucket!;
    const prefix = `gs://${bucket}/`;
    const objects = uris.filter((u) => u.startsWith(prefix)).map((u) => this.storage.bucket(bucket).file(u.slice(prefix.length)));
    await Promise.all(objects.map((object) => this.withRetry(() => object.delete({ ignoreNotFound: true }))));
  }
}
