/**
 * Deletions in a list read whole every run (a snapshot): a vendor that deletes a record just stops listing
 * it. `withDeletions` keeps the keys of the last complete snapshot in the entity's state and, once a snapshot
 * has been read, lands a tombstone for every key that is gone, in the same unit (tombstones and the new key
 * list commit together): `{"<key>":<the key as last sent>,"_elt_deleted":true,"_elt_deleted_at":"<time>"}`.
 * The time makes each deletion a version of its own, also for a record deleted, back and deleted again. A
 * snapshot cut short (--max-pages) proves nothing about the rest: it lands no tombstone and keeps the key list.
 */
import { z } from 'zod';
import type { RawRecord } from '../records/json-records.js';
import { rawTokenAt } from '../records/raw-token.js';
import type { EntityDefinition, Unit } from '../source.js';
import type { StateSchema } from '../state.js';

export interface DeletionState {
  /** Keys of the last complete snapshot, each as its JSON token was sent (a number, or a quoted string). */
  keys?: string[];
}

const keysState = z.object({ keys: z.array(z.string()).optional() });

/** A key's text whether it was sent as a number or a string, so a change of type is no deletion. */
const keyText = (token: string) => (token.startsWith('"') ? String(JSON.parse(token)) : token);

/** A snapshot entity (one unit per run, keyed by a top-level field) that also lands its deletions. */
export function withDeletions<Config, S extends object>(
  entity: EntityDefinition<Config, S>,
): EntityDefinition<Config, S & DeletionState> {
  const [keyName, ...nested] = entity.keyPath;
  if (!keyName || nested.length) throw new Error(`${entity.name}: withDeletions needs a top-level key`);
  const state =
    entity.state && ({ ...entity.state, schema: entity.state.schema.and(keysState) } as StateSchema<S & DeletionState>);
  return {
    ...entity,
    state,
    async *extract(context) {
      const before = new Map((context.state?.keys ?? []).map((token) => [keyText(token), token]));
      const partial = context.limits.maxPages !== undefined;
      for await (const unit of entity.extract(context)) {
        const seen = new Map<string, string>();
        async function* records(): AsyncGenerator<RawRecord> {
          let next = { index: 0, offset: 0 };
          for await (const record of unit.records) {
            const token = rawTokenAt(record.bytes, entity.keyPath)?.toString('utf8');
            if (token) seen.set(keyText(token), token);
            next = { index: record.index + 1, offset: record.offset + record.bytes.length + 1 };
            yield record;
          }
          if (partial) return;
          const at = (unit.state as { at?: string }).at ?? new Date().toISOString();
          for (const [key, token] of before) {
            if (seen.has(key)) continue;
            const bytes = Buffer.from(
              `{${JSON.stringify(keyName)}:${token},"_elt_deleted":true,"_elt_deleted_at":"${at}"}`,
            );
            yield { bytes, ...next };
            next = { index: next.index + 1, offset: next.offset + bytes.length + 1 };
          }
        }
        const withKeys: Unit<S & DeletionState> = {
          origin: unit.origin,
          records: records(),
          skipped: unit.skipped,
          // Read at commit, once the records are consumed (as the unit's own state is).
          get state() {
            return { ...unit.state, keys: partial ? [...before.values()] : [...seen.values()] };
          },
        };
        yield withKeys;
      }
    },
  };
}
