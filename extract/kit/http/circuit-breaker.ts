import type { Clock } from './clock.js';

export type CircuitState = 'closed' | 'open' | 'half-open';
export type RequestOutcome = 'success' | 'failure' | 'neutral';

export interface CircuitOptions {
  failureThreshold: number;
  resetAfterMs: number;
}

/** Handed out by enter(); `trial` marks the single request let through while half-open. */
export interface CircuitPermit {
  trial: boolean;
}

interface Circuit {
  consecutiveFailures: number;
  openedAt?: number;
  trialInFlight: boolean;
}

/**
 * Per-endpoint breaker: after N consecutive failed requests, stop calling a dead endpoint for a while
 * instead of spending every caller's full retry budget on it.
 */
export class CircuitBreaker {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    private readonly options: CircuitOptions,
    private readonly clock: Clock,
  ) {}

  state(endpoint: string): CircuitState {
    const circuit = this.circuits.get(endpoint);
    if (circuit?.openedAt === undefined) return 'closed';
    return this.clock.now() - circuit.openedAt >= this.options.resetAfterMs ? 'half-open' : 'open';
  }

  /** A permit to call the endpoint, or undefined to fail fast. */
  enter(endpoint: string): CircuitPermit | undefined {
    const state = this.state(endpoint);
    if (state === 'closed') return { trial: false };
    const circuit = this.circuit(endpoint);
    if (state === 'open' || circuit.trialInFlight) return undefined;
    circuit.trialInFlight = true;
    return { trial: true };
  }

  /** Records how a request ended; returns true if this outcome opened the circuit. */
  settle(endpoint: string, permit: CircuitPermit, outcome: RequestOutcome): boolean {
    const circuit = this.circuit(endpoint);
    if (permit.trial) circuit.trialInFlight = false;
    if (outcome === 'success') {
      circuit.consecutiveFailures = 0;
      circuit.openedAt = undefined;
      return false;
    }
    if (outcome === 'neutral') return false;
    circuit.consecutiveFailures += 1;
    const wasClosed = circuit.openedAt === undefined;
    if (permit.trial || (wasClosed && circuit.consecutiveFailures >= this.options.failureThreshold)) {
      circuit.openedAt = this.clock.now();
      return true;
    }
    return false;
  }

  private circuit(endpoint: string): Circuit {
    let circuit = this.circuits.get(endpoint);
    if (!circuit) {
      circuit = { consecutiveFailures: 0, trialInFlight: false };
      this.circuits.set(endpoint, circuit);
    }
    return circuit;
  }
}
