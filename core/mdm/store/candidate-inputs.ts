import type { Queryable } from '../../store/db.ts';
import type { MatchInputRecord } from '../match/config.ts';
import { type MatchedEntity, matchInputOf } from './entity-matchers.ts';
import { perEntity } from './per-entity.ts';

/** Golden records remembered per entity; the oldest are forgotten first. */
const CACHE_LIMIT = 100_000;

interface Remembered {
  version: number;
  input: MatchInputRecord;
}

const cacheOf = perEntity(() => new Map<string, Remembered>());

/** Remembers the match input of one version of a golden record (e.g. one this process just created). */
export function rememberInput(
  entity: MatchedEntity,
  id: string,
  version: number,
  input: MatchInputRecord,
): void {
  const cache = cacheOf(entity);
  cache.delete(id);
  cache.set(id, { version, input });
  if (cache.size > CACHE_LIMIT) {
    for (const oldest of cache.keys()) {
      cache.delete(oldest);
      if (cache.size <= CACHE_LIMIT * 0.9) break;
    }
  }
}

/**
 * Match inputs of candidate golden records at the versions the blocking index just returned. A
 * golden record is a candidate for many incoming records: its body is read and its features are
 * extracted once per version instead of once per page (the same input object keeps the matcher's
 * feature cache warm). Other processes' writes bump the version, so a stale input is never used.
 */
export async function candidateInputs(
  db: Queryable,
  entity: MatchedEntity,
  versions: ReadonlyMap<string, number>,
): Promise<Map<string, MatchInputRecord>> {
  const cache = cacheOf(entity);
  const inputs = new Map<string, MatchInputRecord>();
  const missing: string[] = [];
  for (const [id, version] of versions) {
    const hit = cache.get(id);
    if (hit && hit.version === version) inputs.set(id, hit.input);
    else missing.push(id);
  }
  if (missing.length === 0) return inputs;
  const { rows } = await db.query<{ id: string; version: number; body: Record<string, unknown> }>(
    'SELECT id, version, body FROM golden_records WHERE id = ANY($1::uuid[])',
    [missing],
  );
  for (const row of rows) {
    const input = matchInputOf(entity, row.id, row.body);
    rememberInput(entity, row.id, row.version, input);
    inputs.set(row.id, input);
  }
  return inputs;
}
