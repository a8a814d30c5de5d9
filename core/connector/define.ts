import { z } from 'zod';
import { HubError } from '../errors/index.ts';
import type { Connector, StreamSpec } from './types.ts';

/** Marks a config field as secret: encrypted at rest, write-only in the API, masked in logs. */
export function secret<T extends z.ZodType = z.ZodString>(schema?: T) {
  return (schema ?? z.string().min(1)).meta({ secret: true });
}

export function isSecretSchema(schema: z.ZodType): boolean {
  return schema.meta()?.secret === true;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (
    current instanceof z.ZodOptional ||
    current instanceof z.ZodDefault ||
    current instanceof z.ZodNullable
  ) {
    if (isSecretSchema(current)) return current;
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** Dotted paths of every field marked with secret(), through nested objects. */
export function secretPaths(schema: z.ZodType, prefix = ''): string[] {
  if (isSecretSchema(schema)) return [prefix];
  const inner = unwrap(schema);
  if (isSecretSchema(inner)) return [prefix];
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, value]) =>
      secretPaths(value, prefix ? `${prefix}.${key}` : key),
    );
  }
  if (inner instanceof z.ZodDiscriminatedUnion || inner instanceof z.ZodUnion) {
    const paths = (inner.options as z.ZodType[]).flatMap((option) => secretPaths(option, prefix));
    return [...new Set(paths)];
  }
  return [];
}

export function defineConnector<Config>(connector: Connector<Config>): Connector<Config> {
  const names = new Set<string>();
  for (const stream of connector.streams) {
    if (names.has(stream.name)) throw new Error(`${connector.kind}: stream "${stream.name}" declared twice`);
    names.add(stream.name);
  }
  return connector;
}

/** A connection's streams: the connector's fixed list, or the ones its config declares. */
export function streamsOf(connector: Connector<unknown>, config?: unknown): StreamSpec[] {
  if (!connector.streamsFor || config === undefined) return connector.streams;
  const parsed = connector.configSchema.safeParse(config);
  return parsed.success ? connector.streamsFor(parsed.data) : connector.streams;
}

export function findStream(connector: Connector<unknown>, name: string, config?: unknown): StreamSpec {
  const streams = streamsOf(connector, config);
  const stream = streams.find((candidate) => candidate.name === name);
  if (!stream) {
    const known = streams.map((s) => s.name).join(', ');
    throw new HubError(
      'config',
      'unknown_stream',
      `${connector.kind} has no stream "${name}" (streams: ${known})`,
    );
  }
  return stream;
}

/** The connector's hubIdOf for one connection's stream, with its config parsed once; none if it has none. */
export function hubIdReader(
  connector: Connector<unknown>,
  config: unknown,
  stream: string,
): ((raw: unknown) => string | undefined) | undefined {
  const { hubIdOf } = connector;
  if (!hubIdOf) return undefined;
  const parsed = connector.configSchema.safeParse(config);
  if (!parsed.success) return undefined;
  return (raw) => hubIdOf(parsed.data, stream, raw);
}
