/** Square's error bodies, as both the API client and the OAuth token exchange read them. */
import { HttpError } from '../../kit/http/index.js';

/** The Square error code in an HttpError's (possibly cut) body snippet. */
export function squareErrorCode(error: unknown): string | undefined {
  if (!(error instanceof HttpError)) return undefined;
  return /"code"\s*:\s*"([A-Z_]+)"/.exec(error.bodySnippet ?? '')?.[1];
}
