/**
 * Keeps credentials out of every log line, error message and warehouse row.
 * Secrets are registered once (from config); signed-URL query strings are recognised by shape,
 * because a signed URL is a credential even when nobody registered it.
 */

const secrets = new Set<string>();

const SENSITIVE_PARAM = new RegExp(
  '^(x-goog-[a-z-]+|x-amz-[a-z-]+|signature|sig|token|access_token|refresh_token|code|key|api_key|apikey|' +
    'secret|client_secret|password|auth|authorization|credential)$',
  'i',
);
const SIGNED_URL_MARKER = /[?&](x-goog-signature|x-amz-signature|signature|sig)=/i;
const URL_PATTERN = /\bhttps?:\/\/[^\s"'<>]+/gi;

/** Registers a value that must never be printed. Short values are ignored: masking "1" would garble every line. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) secrets.add(value);
}

function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const base = url.slice(0, queryStart);
  const query = url.slice(queryStart + 1);
  if (SIGNED_URL_MARKER.test(url)) return `${base}?[signed query redacted]`;
  const parts = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    return SENSITIVE_PARAM.test(decodeURIComponentSafe(name)) ? `${name}=[redacted]` : pair;
  });
  return `${base}?${parts.join('&')}`;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Returns the text with registered secrets masked and sensitive URL query parts removed. */
export function redact(text: string): string {
  let out = text.replace(URL_PATTERN, redactUrl);
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** Redacts a URL for use as a log field or error context. */
export function redactedUrl(url: string | URL): string {
  return redact(String(url));
}
