/**
 * The Square sandbox's credentials: a personal access token per merchant, and an OAuth application whose
 * `POST /oauth2/token` exchanges single-use authorization codes, or refresh tokens, for access tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Reply, Route, SandboxRequest } from '../../../kit/sandbox/routes.js';
import { DAY_MS } from '../../../kit/windows.js';
import type { Json } from './data.js';
import { squareError } from './routes.js';

export class SandboxTokens {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Personal access tokens, merchant 1 first. */
  readonly personal: string[];
  private readonly issued = new Map<string, { merchant: number; expiresAt: number; expired: boolean }>();
  private readonly refreshTokens = new Map<string, number>();
  private readonly codes = new Map<string, number>();

  constructor(
    seed: number,
    merchants: number,
    private readonly merchantId: (merchant: number) => string,
    /** Lifetime of access tokens issued by /oauth2/token. */
    private readonly ttlMs = 30 * DAY_MS,
  ) {
    this.clientId = `sq0idp-sandbox-${seed}`;
    const secret = createHash('sha256').update(`client-secret-${seed}`).digest('base64url');
    this.clientSecret = `sq0csp-${secret.slice(0, 40)}`;
    this.personal = Array.from(
      { length: merchants },
      (_, m) =>
        `EAAAE${createHash('sha256')
          .update(`square-${seed}-${m + 1}`)
          .digest('hex')
          .slice(0, 58)}`,
    );
  }

  /** The merchant of a bearer token, and whether the token has expired; no merchant for an unknown token. */
  holder(authorization: string | string[] | undefined): { merchant?: number; expired?: boolean } {
    const token = /^Bearer\s+(\S+)$/i.exec(String(authorization ?? ''))?.[1];
    if (!token) return {};
    const p = this.personal.indexOf(token);
    if (p >= 0) return { merchant: p + 1 };
    const t = this.issued.get(token);
    return t ? { merchant: t.merchant, expired: t.expired || t.expiresAt <= Date.now() } : {};
  }

  /** The sandbox's auth check: Square's 401 bodies for an unknown or an expired token. */
  refusal(request: SandboxRequest): Reply | undefined {
    const { merchant, expired } = this.holder(request.headers.authorization);
    if (merchant === undefined)
      return { json: squareError('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.') };
    if (expired)
      return { json: squareError('AUTHENTICATION_ERROR', 'ACCESS_TOKEN_EXPIRED', 'The access token has expired.') };
    return undefined;
  }

  authorizationCode(merchant: number): string {
    const code = `sq0cgp-${randomBytes(16).toString('base64url')}`;
    this.codes.set(code, merchant);
    return code;
  }

  /** Every access token issued so far now answers 401 ACCESS_TOKEN_EXPIRED. */
  expireIssued(): void {
    for (const t of this.issued.values()) t.expired = true;
  }

  private issue(merchant: number): Json {
    const accessToken = `EAAAl${randomBytes(30).toString('base64url')}`;
    const refreshToken = `EQAAl${randomBytes(30).toString('base64url')}`;
    const expiresAt = Date.now() + this.ttlMs;
    this.issued.set(accessToken, { merchant, expiresAt, expired: false });
    this.refreshTokens.set(refreshToken, merchant);
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_at: new Date(expiresAt).toISOString().replace('.000Z', 'Z'),
      merchant_id: this.merchantId(merchant),
      refresh_token: refreshToken,
      short_lived: false,
    };
  }

  private obtainToken(body: Json): Reply {
    const refused = (code: string, detail: string) => ({
      status: 400,
      json: squareError('INVALID_REQUEST_ERROR', code, detail),
    });
    if (body.client_id !== this.clientId || body.client_secret !== this.clientSecret) {
      return { status: 401, json: squareError('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'Invalid client credentials.') };
    }
    if (body.grant_type === 'authorization_code') {
      const merchant = this.codes.get(String(body.code ?? ''));
      if (merchant === undefined)
        return refused('INVALID_GRANT', 'The authorization code is invalid or was already used.');
      this.codes.delete(String(body.code));
      return { json: this.issue(merchant) };
    }
    if (body.grant_type === 'refresh_token') {
      const merchant = this.refreshTokens.get(String(body.refresh_token ?? ''));
      if (merchant === undefined) return refused('INVALID_GRANT', 'The refresh token is invalid or revoked.');
      const answer = this.issue(merchant);
      // Code-flow refresh tokens live on: Square answers with the same one.
      this.refreshTokens.delete(String(answer.refresh_token));
      answer.refresh_token = body.refresh_token;
      return { json: answer };
    }
    return refused('UNSUPPORTED_GRANT_TYPE', `grant_type ${String(body.grant_type)} is not supported.`);
  }

  /** POST /oauth2/token: needs the application's credentials, not a bearer token. */
  route(): Route & { op: string } {
    return {
      op: 'ObtainToken',
      method: 'POST',
      path: '/oauth2/token',
      public: true,
      handle: (request) => this.obtainToken(request.body as Json),
    };
  }
}
