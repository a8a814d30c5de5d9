import { defineConnector } from '../../core/connector/define.ts';
import type { ConnectorContext, StreamSpec } from '../../core/connector/types.ts';
import { HubError } from '../../core/errors/index.ts';
import { createTokenSource } from './auth.ts';
import { checkRest } from './check.ts';
import { createRestClient, requestClientCredentials } from './client.ts';
import { type RestConfig, type RestStream, restConfigSchema } from './config.ts';
import { readRestStream } from './read.ts';
import { writeRestStream } from './write.ts';

export type { RestConfig } from './config.ts';

/** The streams are declared per connection; the engine asks the connection's config for them. */
export function restStreamSpecs(config: RestConfig): StreamSpec[] {
  return config.streams.map((stream) => ({
    name: stream.name,
    entity: stream.entity,
    primaryKey: stream.idField,
    cursorField: stream.incremental?.field,
    read: true,
    write: stream.write !== undefined,
  }));
}

function findRestStream(config: RestConfig, name: string): RestStream {
  const stream = config.streams.find((candidate) => candidate.name === name);
  if (stream) return stream;
  const known = config.streams.map((s) => s.name).join(', ');
  throw new HubError(
    'config',
    'unknown_stream',
    `the connection has no REST stream "${name}" (streams: ${known})`,
  );
}

function connect(ctx: ConnectorContext<RestConfig>) {
  const { auth } = ctx.config;
  const tokens =
    auth.type === 'oauth2_client_credentials'
      ? createTokenSource(ctx, auth, () => requestClientCredentials(auth, ctx.allowPrivateNetwork))
      : undefined;
  return { tokens, client: createRestClient(ctx, tokens) };
}

export const rest = defineConnector<RestConfig>({
  kind: 'rest',
  title: 'Generic REST API',
  configSchema: restConfigSchema,
  streams: [],
  streamsFor: restStreamSpecs,
  check(ctx) {
    const { client, tokens } = connect(ctx);
    return checkRest(ctx, client, tokens);
  },
  read(ctx, stream, cursor) {
    return readRestStream(connect(ctx).client, findRestStream(ctx.config, stream), cursor);
  },
  write(ctx, stream, ops) {
    return writeRestStream(connect(ctx).client, findRestStream(ctx.config, stream), ops);
  },
});
