import { defineConnector } from '../../core/connector/define.ts';
import type { ConnectorContext } from '../../core/connector/types.ts';
import { createSessionSource } from './auth.ts';
import { checkSalesforce } from './check.ts';
import { createSalesforceClient } from './client.ts';
import { type SalesforceConfig, salesforceConfigSchema } from './config.ts';
import { readSObjectStream } from './read/index.ts';
import { findSObjectStream, salesforceStreams } from './streams/index.ts';
import { writeSObjectStream } from './write/index.ts';

function connect(ctx: ConnectorContext<SalesforceConfig>) {
  const sessions = createSessionSource(ctx);
  return { sessions, client: createSalesforceClient(ctx, sessions) };
}

export const salesforce = defineConnector<SalesforceConfig>({
  kind: 'salesforce',
  title: 'Salesforce',
  configSchema: salesforceConfigSchema,
  streams: salesforceStreams.map((stream) => stream.spec),
  check(ctx) {
    const { sessions, client } = connect(ctx);
    return checkSalesforce(ctx, sessions, client, salesforceStreams);
  },
  read(ctx, stream, cursor) {
    return readSObjectStream(ctx, connect(ctx).client, findSObjectStream(stream), cursor);
  },
  write(ctx, stream, ops) {
    return writeSObjectStream(connect(ctx).client, ctx.config, findSObjectStream(stream), ops);
  },
});
