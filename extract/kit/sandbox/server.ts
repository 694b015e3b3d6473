/**
 * A loopback HTTP server for vendor sandboxes: binds 127.0.0.1 only, answers 500 with a JSON body when the
 * handler throws, and on close() drops every open or idle socket so tests and `npm run elt` never hang.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type SandboxHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface LoopbackServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface LoopbackServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
}

export async function startLoopbackServer(handler: SandboxHandler, opts: LoopbackServerOptions = {}): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    let outcome: void | Promise<void>;
    try {
      outcome = handler(req, res);
    } catch (err) {
      answerError(res, err);
      return;
    }
    if (outcome && typeof outcome.then === 'function') {
      outcome.catch((err: unknown) => answerError(res, err));
    }
  });
  // A sandbox streams big files to slow consumers: no server-side request/socket timeouts.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('loopback server has no TCP address');
  const port = address.port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

function answerError(res: ServerResponse, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  if (res.headersSent || res.writableEnded) {
    // Too late for a status: cut the connection so the client sees a failure, not a short success.
    res.destroy(err instanceof Error ? err : new Error(message));
    return;
  }
  const body = JSON.stringify({ error: 'internal_error', message });
  res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Reads a small request body as text (sandboxes only ever receive small bodies). */
export async function readBody(req: IncomingMessage, limitBytes = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) throw new Error(`request body over ${limitBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a complete body with Content-Length. */
export function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  const buf = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'content-length': String(buf.length) });
  res.end(buf);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(value), { 'content-type': 'application/json; charset=utf-8', ...headers });
}
