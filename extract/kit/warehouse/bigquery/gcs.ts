/**
 * Staging large loads through Google Cloud Storage (BIGQUERY_STAGING_BUCKET): each chunk file is uploaded
 * with a resumable upload (retried and resumed by @google-cloud/storage, CRC32C-checked), loaded from its
 * gs:// URI, and deleted once its unit has committed. The bucket should be in the dataset's location.
 */
import { Storage } from '@google-cloud/storage';
import type { BigQueryTarget } from './config.js';
import type { StagingStore } from './loader.js';

type StorageOptions = NonNullable<ConstructorParameters<typeof Storage>[0]>;

export class GcsStagingStore implements StagingStore {
  private readonly storage: Storage;

  constructor(
    private readonly target: BigQueryTarget,
    options: { apiEndpoint?: string; authClient?: StorageOptions['authClient'] } = {},
  ) {
    if (!target.stagingBucket) throw new Error('no staging bucket configured');
    this.storage = new Storage({
      projectId: target.project,
      ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
      ...(options.authClient ? { authClient: options.authClient } : {}),
      retryOptions: { autoRetry: true, maxRetries: 5 },
    });
  }

  async upload(file: string, name: string): Promise<string> {
    const { bucket, prefix } = this.target.stagingBucket!;
    const destination = `${prefix}elt-staging/${name}`;
    await this.storage.bucket(bucket).upload(file, {
      destination,
      resumable: true,
      validation: 'crc32c',
      metadata: { contentType: 'application/x-ndjson' },
    });
    return `gs://${bucket}/${destination}`;
  }

  async remove(uris: readonly string[]): Promise<void> {
    const { bucket } = this.target.stagingBucket!;
    const prefix = `gs://${bucket}/`;
    await Promise.all(
      uris.filter((u) => u.startsWith(prefix)).map((u) => this.storage.bucket(bucket).file(u.slice(prefix.length)).delete({ ignoreNotFound: true })),
    );
  }
}
