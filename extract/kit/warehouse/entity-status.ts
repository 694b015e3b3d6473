/**
 * elt.entity_syncs for both warehouses: its rows as written, and the per-entity lines of `status` from
 * what they read back (the latest syncs and the saved states).
 */
import { describeState } from '../state.js';
import type { EntityStatus, EntitySync } from './warehouse.js';

/** A row of elt.entity_syncs without its run and source, by column name. */
export interface EntitySyncRow {
  entity: string;
  source_instance: string;
  status: string;
  rows_seen: number;
  rows_landed: number;
  rows_quarantined: number;
  units: number;
  error: string | null;
  finished_at: Date;
}

export function entitySyncRow(sync: EntitySync): EntitySyncRow {
  return {
    entity: sync.entity,
    source_instance: sync.instance,
    status: sync.status,
    rows_seen: sync.counts.rowsSeen,
    rows_landed: sync.counts.rowsLanded,
    rows_quarantined: sync.counts.rowsQuarantined,
    units: sync.counts.units,
    error: sync.error,
    finished_at: sync.finishedAt,
  };
}

/** Per (source, entity, instance): its latest sync, and the counts of its last completed one (if any). */
export interface LatestSyncRow {
  source: string;
  entity: string;
  instance: string;
  status: string;
  finishedAt: Date;
  error: string | null;
  success: { finishedAt: Date; rowsSeen: number; rowsLanded: number; rowsQuarantined: number } | null;
}

/** The latest saved state per (source, entity, instance), as stored. */
export interface SavedStateRow {
  source: string;
  entity: string;
  instance: string;
  state: unknown;
}

/**
 * One line per entity that has synced or has a saved state (ledgers from before elt.entity_syncs have only
 * the latter), sorted by source, entity and instance.
 */
export function entityStatuses(syncs: readonly LatestSyncRow[], states: readonly SavedStateRow[]): EntityStatus[] {
  const byKey = new Map<string, EntityStatus>();
  const line = (row: { source: string; entity: string; instance: string }) => {
    const key = JSON.stringify([row.source, row.entity, row.instance]);
    let status = byKey.get(key);
    if (!status) {
      status = { source: row.source, entity: row.entity, instance: row.instance, lastSuccess: null, lastProblem: null, position: null };
      byKey.set(key, status);
    }
    return status;
  };
  for (const sync of syncs) {
    const status = line(sync);
    status.lastSuccess = sync.success;
    // The latest attempt is the last success unless it did not complete.
    if (sync.status !== 'completed') status.lastProblem = { status: sync.status, finishedAt: sync.finishedAt, error: sync.error };
  }
  for (const saved of states) line(saved).position = describeState(saved.state);
  return [...byKey.values()].sort(
    (a, b) => a.source.localeCompare(b.source) || a.entity.localeCompare(b.entity) || a.instance.localeCompare(b.instance),
  );
}
