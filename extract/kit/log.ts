import { redact } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds these fields to every line (e.g. source, entity, instance). */
  child(fields: LogFields): Logger;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogSink {
  write(line: string): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** 'json' for machines (CI, cron, pipes), 'pretty' for a person at a terminal. */
  format?: 'json' | 'pretty';
  sink?: LogSink;
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function serializeFields(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) out[k] = v instanceof Error ? v.message : v;
  return out;
}

export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const level = options.level ?? (process.env.ELT_LOG_LEVEL as LogLevel | undefined) ?? 'info';
  const format = options.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  const sink = options.sink ?? { write: (line: string) => process.stderr.write(line + '\n') };

  const emit = (lvl: LogLevel, message: string, fields: LogFields = {}) => {
    if (LEVELS[lvl] < (LEVELS[level] ?? 20)) return;
    const all = { ...bound, ...fields };
    let line: string;
    if (format === 'json') {
      line = JSON.stringify({ time: new Date().toISOString(), level: lvl, msg: message, ...serializeFields(all) });
    } else {
      const extras = Object.entries(all)
        .map(([k, v]) => `${k}=${formatValue(v)}`)
        .join(' ');
      const tag = lvl === 'info' ? '' : `${lvl.toUpperCase()} `;
      line = `${tag}${message}${extras ? `  ${extras}` : ''}`;
    }
    sink.write(redact(line));
  };

  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ level, format, sink }, { ...bound, ...fields }),
  };
}

/** A logger that drops everything; for tests that do not inspect logs. */
export const silentLogger: Logger = createLogger({ sink: { write: () => {} } });
