export * from './client.js';
export * from './errors.js';
export * from './retry.js';
export * from './rate-limiter.js';
export * from './circuit-breaker.js';
export * from './metrics.js';
export * from './clock.js';
export * from './adaptive.js';
