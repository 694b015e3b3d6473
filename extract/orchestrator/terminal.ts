/**
 * Output for a person at a terminal: log lines scroll above one live progress line. Without a terminal
 * (cron, CI, pipes) there is no live line and logs are JSON, one per line.
 */
import { createLogger, type Logger } from '../kit/log.js';
import type { Progress } from '../kit/source.js';

export interface Terminal {
  log: Logger;
  progress: (key: string, progress: Progress | undefined) => void;
  /** Prints a line for the user on stdout (summaries, banners). */
  print: (text: string) => void;
  stop: () => void;
}

const REDRAW_MS = 250;

function formatProgress(key: string, p: Progress): string {
  const parts = [key];
  if (p.label) parts.push(p.label);
  if (p.rows !== undefined) parts.push(`${p.rows.toLocaleString('en-US')} rows`);
  if (p.fraction !== undefined) parts.push(`${Math.round(p.fraction * 100)}%`);
  return parts.join(' ');
}

export function createTerminal(isTty: boolean = Boolean(process.stderr.isTTY)): Terminal {
  const active = new Map<string, Progress>();
  let shown = false;
  const clear = () => {
    if (shown) process.stderr.write('\r\x1b[K');
    shown = false;
  };
  const draw = () => {
    if (!isTty || active.size === 0) return;
    const line = [...active].map(([k, p]) => formatProgress(k, p)).join(' | ');
    const width = process.stderr.columns ?? 120;
    process.stderr.write(`\r\x1b[K${line.slice(0, width - 1)}`);
    shown = true;
  };
  const timer = isTty ? setInterval(draw, REDRAW_MS) : undefined;
  timer?.unref();
  const log = createLogger({
    format: isTty ? 'pretty' : 'json',
    sink: {
      write(line) {
        clear();
        process.stderr.write(line + '\n');
        draw();
      },
    },
  });
  return {
    log,
    progress(key, progress) {
      if (progress) active.set(key, progress);
      else active.delete(key);
    },
    print(text) {
      clear();
      process.stdout.write(text + '\n');
      draw();
    },
    stop() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}
