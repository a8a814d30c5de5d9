import { streamsOf } from '../connector/define.ts';
import type { CanonicalEntity, StreamSpec } from '../connector/types.ts';
import { HubError } from '../errors/index.ts';
import type { Hub } from '../runtime/hub.ts';
import { type Connection, connectionPaused } from '../store/repos/connections.ts';
import { externalIdsFor } from '../store/repos/xref.ts';
import { listFailures } from '../sync/failures.ts';
import { handleWriteJob } from '../sync/outbound.ts';
import { targetIdsWritten } from '../sync/write-results.ts';
import { enqueueWrites } from '../sync/write-targets.ts';
import type { FlowRole } from './define.ts';

function rolesOf(connection: Connection): string[] {
  const { role, roles } = connection.options;
  return [
    ...(typeof role === 'string' ? [role] : []),
    ...(Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : []),
  ];
}

/** The one active connection that plays `role` (connection option `role: 'erp'` or `roles: ['erp', 'scm']`). */
export async function connectionForRole(hub: Hub, role: FlowRole): Promise<Connection> {
  const cast = (await hub.store.connections.listCached()).filter((c) => rolesOf(c).includes(role));
  const playing = cast.filter((c) => c.status !== 'disabled');
  // The role is set, on a connection an admin paused: say that, not that the role is missing.
  const paused = cast.find((c) => c.status === 'disabled');
  if (playing.length === 0 && paused) {
    // The cached list may be a second old: a resume just now must not park the run again.
    const fresh = await hub.store.connections.get(paused.id);
    if (fresh.status === 'disabled') throw connectionPaused(fresh.id, fresh.statusMessage);
    return fresh;
  }
  if (playing.length === 0)
    throw new HubError(
      'config',
      'role_not_configured',
      `No connection plays the ${role} role: set the option role: "${role}" on one connection`,
    );
  if (playing.length > 1) {
    throw new HubError(
      'config',
      'role_ambiguous',
      `Connections ${playing.map((c) => c.id).join(', ')} all play the ${role} role: keep it on one`,
    );
  }
  return playing[0]!;
}

/** Every active connection that plays `role`, for flows that read from several (stock in the ERP and the SCM). */
export async function connectionsForRole(hub: Hub, role: FlowRole): Promise<Connection[]> {
  return (await hub.store.connections.listCached()).filter(
    (c) => c.status !== 'disabled' && rolesOf(c).includes(role),
  );
}

/** The stream a flow writes `entity` to: `options.flowStreams[entity]`, else the connection's one writable stream of that entity. */
export function writeStreamFor(hub: Hub, connection: Connection, entity: CanonicalEntity): StreamSpec {
  const streams = streamsOf(hub.connectors.find(connection.kind), connection.config).filter(
    (s) => s.entity === entity && s.write,
  );
  const chosen = (connection.options.flowStreams as Record<string, string> | undefined)?.[entity];
  const stream = chosen ? streams.find((s) => s.name === chosen) : streams[0];
  if (!stream)
    throw new HubError(
      'config',
      'no_write_stream',
      `Connection ${connection.id} has no writable stream for ${entity}${chosen ? ` named ${chosen}` : ''}`,
    );
  return stream;
}

/**
 * Writes golden records to the target now and answers the target's ids. Each write carries the
 * idempotency key of the record's version, and the connector matches on the hub id, so repeating
 * it after a lost answer updates the record it created instead of creating a second one.
 */
export async function writeNow(
  hub: Hub,
  connection: Connection,
  entity: CanonicalEntity,
  items: Array<{ canonicalId: string; version: number }>,
): Promise<Map<string, string>> {
  if (items.length === 0) return new Map();
  const stream = writeStreamFor(hub, connection, entity);
  const job = { connectionId: connection.id, stream: stream.name, items };
  await handleWriteJob(hub, job);
  // Done at this version or a later one (another flow may have changed the record since): an older
  // write does not count, since the target may have refused this version.
  const written = await targetIdsWritten(hub.store.db, job);
  const missing = items.map((item) => item.canonicalId).find((id) => !written.has(id));
  if (!missing) return written;
  const { items: open } = await listFailures(
    hub.store.db,
    { connectionId: connection.id, stream: stream.name, state: 'open' },
    { limit: 50, offset: 0 },
  );
  const failure = open.find((item) => item.canonicalId === missing);
  if (failure)
    throw new HubError(
      'invalid_data',
      failure.errorCode,
      `${connection.id} rejected ${entity} ${missing}: ${failure.message}`,
      { fieldPath: failure.fieldPath ?? undefined },
    );
  throw new HubError(
    'not_found',
    'write_not_confirmed',
    `${connection.id} did not confirm ${entity} ${missing}: a record it refers to may be missing there`,
  );
}

/** writeNow for the records the target already knows: results for what it sells, without creating what it never had. */
export async function writeLinkedNow(
  hub: Hub,
  connection: Connection,
  entity: CanonicalEntity,
  items: Array<{ canonicalId: string; version: number }>,
): Promise<Map<string, string>> {
  const linked = await externalIdsFor(
    hub.store.db,
    entity,
    connection.id,
    items.map((item) => item.canonicalId),
  );
  return writeNow(
    hub,
    connection,
    entity,
    items.filter((item) => linked.has(item.canonicalId)),
  );
}

/** writeNow for one record: the target's id. */
export async function writeOneNow(
  hub: Hub,
  connection: Connection,
  entity: CanonicalEntity,
  canonicalId: string,
  version: number,
): Promise<string> {
  return (await writeNow(hub, connection, entity, [{ canonicalId, version }])).get(canonicalId)!;
}

/** Queues writes of golden records to the target (idempotent by record version); for results nobody waits on. */
export async function pushLater(
  hub: Hub,
  connection: Connection,
  entity: CanonicalEntity,
  items: Array<{ canonicalId: string; version: number }>,
  seed: string,
): Promise<string> {
  const stream = writeStreamFor(hub, connection, entity);
  if (items.length > 0)
    await enqueueWrites(hub, { connectionId: connection.id, stream: stream.name, items }, stream, seed);
  return stream.name;
}

/** The target's ids of canonical records, failing with the names of those it does not know yet. */
export async function requireExternalIds(
  hub: Hub,
  connection: Connection,
  entity: CanonicalEntity,
  canonicalIds: string[],
): Promise<Map<string, string>> {
  const found = await externalIdsFor(hub.store.db, entity, connection.id, canonicalIds);
  const missing = canonicalIds.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new HubError(
      'not_found',
      'missing_in_target',
      `${entity} ${missing.join(', ')} not known in ${connection.id} yet: sync it there first`,
      { details: { missing } },
    );
  }
  return found;
}
