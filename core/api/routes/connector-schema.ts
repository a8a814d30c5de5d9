import { z } from 'zod';
import { streamsOf } from '../../connector/define.ts';
import type { Connector, StreamSpec } from '../../connector/types.ts';
import type { Hub } from '../../runtime/hub.ts';

type JsonSchema = { [key: string]: unknown };

/** Secret fields become writeOnly: forms show them as password inputs that are never filled in. */
function markWriteOnly(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(markWriteOnly);
  if (!node || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) out[key] = markWriteOnly(value);
  if (out.secret === true) out.writeOnly = true;
  return out;
}

/** The connector's zod config schema as JSON Schema (input side: defaults are optional). */
export function configJsonSchema(connector: Connector<unknown>): JsonSchema {
  return markWriteOnly(
    z.toJSONSchema(connector.configSchema, { io: 'input', unrepresentable: 'any' }),
  ) as JsonSchema;
}

export function describeStream(stream: StreamSpec) {
  return {
    name: stream.name,
    entity: stream.entity,
    read: stream.read,
    write: stream.write,
    description: stream.description,
  };
}

/**
 * A connection's streams: its connector's fixed list, or the ones its config declares (csv, rest),
 * none when its kind is not installed. Give the full config (with its secrets): one that requires
 * a secret does not parse without it, and would list the connector's fixed list, often empty.
 */
export function streamsOfConnection(hub: Hub, connection: { kind: string; config: unknown }): StreamSpec[] {
  const connector = hub.connectors.list().find((candidate) => candidate.kind === connection.kind);
  return connector ? streamsOf(connector, connection.config) : [];
}

/** The streams of each connection, by id. */
export async function streamsByConnection(hub: Hub): Promise<Map<string, StreamSpec[]>> {
  const connections = await hub.store.connections.listCached();
  return new Map(connections.map((connection) => [connection.id, streamsOfConnection(hub, connection)]));
}

export function describeConnector(connector: Connector<unknown>) {
  return {
    kind: connector.kind,
    title: connector.title,
    streams: connector.streams.map(describeStream),
    configSchema: configJsonSchema(connector),
    webhooks: typeof connector.webhook === 'function',
  };
}
