export * from './api.js';
export * from './entity.js';
export * from './listing.js';
export * from './paginators.js';
export * from './deletions.js';
