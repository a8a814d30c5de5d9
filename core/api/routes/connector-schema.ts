import { z } from 'zod';
import type { Connector } from '../../connector/types.ts';

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

export function describeConnector(connector: Connector<unknown>) {
  return {
    kind: connector.kind,
    title: connector.title,
    streams: connector.streams.map((stream) => ({
      name: stream.name,
      entity: stream.entity,
      read: stream.read,
      write: stream.write,
      description: stream.description,
    })),
    configSchema: configJsonSchema(connector),
    webhooks: typeof connector.webhook === 'function',
  };
}
