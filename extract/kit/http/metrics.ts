import type { CircuitState } from './circuit-breaker.js';

export interface EndpointMetrics {
  endpoint: string;
  /** Attempts, retries included. */
  requests: number;
  /** Attempts that did not end in a 2xx (aborts excluded: the caller chose those). */
  failures: number;
  /** 429 answers. */
  throttled: number;
  retries: number;
  totalLatencyMs: number;
  maxLatencyMs: number;
  circuit: CircuitState;
  lastSuccessAt?: Date;
}

type Counters = Omit<EndpointMetrics, 'endpoint' | 'circuit'>;

export interface AttemptRecord {
  result: 'ok' | 'failed' | 'aborted';
  status?: number;
  latencyMs: number;
  /** When the attempt finished (clock ms). */
  at: number;
}

export class MetricsRegistry {
  private readonly byEndpoint = new Map<string, Counters>();

  attempt(endpoint: string, record: AttemptRecord): void {
    const c = this.counters(endpoint);
    c.requests += 1;
    if (record.result === 'failed') c.failures += 1;
    if (record.status === 429) c.throttled += 1;
    c.totalLatencyMs += record.latencyMs;
    c.maxLatencyMs = Math.max(c.maxLatencyMs, record.latencyMs);
    if (record.result === 'ok') c.lastSuccessAt = new Date(record.at);
  }

  retry(endpoint: string): void {
    this.counters(endpoint).retries += 1;
  }

  snapshot(circuit: (endpoint: string) => CircuitState): EndpointMetrics[] {
    return [...this.byEndpoint].map(([endpoint, c]) => ({ endpoint, ...c, circuit: circuit(endpoint) }));
  }

  private counters(endpoint: string): Counters {
    let c = this.byEndpoint.get(endpoint);
    if (!c) {
      c = { requests: 0, failures: 0, throttled: 0, retries: 0, totalLatencyMs: 0, maxLatencyMs: 0 };
      this.byEndpoint.set(endpoint, c);
    }
    return c;
  }
}
