import type { Direction } from './schema.ts';

type MaybePromise<T> = T | Promise<T>;

/**
 * The xref lookup the engine needs. Inbound, a source system's id becomes the canonical id;
 * outbound, a canonical id becomes the target system's id. Undefined means "not known yet".
 * Implementations only read: the engine never writes through this interface.
 */
export interface ReferenceResolver {
  toCanonical(entity: string, externalId: string): MaybePromise<string | undefined>;
  toExternal(entity: string, canonicalId: string): MaybePromise<string | undefined>;
}

/** A reference the record is waiting for; the record is parked until it arrives. */
export type PendingRef =
  | { direction: 'in'; entity: string; externalId: string; fieldPath: string }
  | { direction: 'out'; entity: string; canonicalId: string; fieldPath: string };

/** What identifies the mapping a parked record was run with (also recorded on runs and failed syncs). */
export interface MappingVersionRef {
  connector: string;
  stream: string;
  direction: Direction;
  version: number;
  hash: string;
}

/** One row of the parking table: the record as received, and what it waits for. */
export interface ParkedRecord {
  mapping: MappingVersionRef;
  recordId?: string;
  record: unknown;
  pendingRefs: PendingRef[];
  parkedAt: string;
  attempts: number;
}

export function pendingRefId(ref: PendingRef): string {
  return ref.direction === 'in' ? ref.externalId : ref.canonicalId;
}

/**
 * `in:customer:C-100`: when a customer with external id C-100 arrives, every parked record with
 * this key is retried. Outbound keys carry the canonical id the target system does not know yet.
 */
export function pendingRefKey(ref: PendingRef): string {
  return `${ref.direction}:${ref.entity}:${pendingRefId(ref)}`;
}

export function isParkingExpired(
  parked: Pick<ParkedRecord, 'parkedAt'>,
  now: Date,
  maxWaitMs: number,
): boolean {
  return now.getTime() - Date.parse(parked.parkedAt) >= maxWaitMs;
}

/** The message a parked record lands in failed_syncs with once it has waited too long. */
export function describePendingRefs(refs: PendingRef[], waitedMs?: number): string {
  const parts = refs.map((ref) => {
    const side = ref.direction === 'in' ? 'external id' : 'canonical id';
    return `${ref.fieldPath} → ${ref.entity} with ${side} "${pendingRefId(ref)}"`;
  });
  const waited = waitedMs === undefined ? '' : ` after waiting ${Math.round(waitedMs / 60_000)} min`;
  return `Referenced record not found${waited}: ${parts.join('; ')}`;
}

/** A resolver over plain maps: for tests, dry-runs with sample references, and local tools. */
export function createMemoryReferenceResolver(): ReferenceResolver & {
  link(entity: string, externalId: string, canonicalId: string): void;
} {
  const toCanonical = new Map<string, string>();
  const toExternal = new Map<string, string>();
  return {
    link(entity, externalId, canonicalId) {
      toCanonical.set(`${entity}\u0000${externalId}`, canonicalId);
      toExternal.set(`${entity}\u0000${canonicalId}`, externalId);
    },
    toCanonical: (entity, externalId) => toCanonical.get(`${entity}\u0000${externalId}`),
    toExternal: (entity, canonicalId) => toExternal.get(`${entity}\u0000${canonicalId}`),
  };
}
