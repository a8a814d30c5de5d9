import { defineConnector } from '../../core/connector/define.ts';
import { checkHubspot } from './check.ts';
import { createHubspotClient } from './client.ts';
import { type HubspotConfig, hubspotConfigSchema } from './config.ts';
import { searchChanges } from './search.ts';
import { findCrmObjectStream, hubspotStreams } from './streams/crm-object.ts';
import { receiveWebhook } from './webhook.ts';
import { writeCrmObjects } from './write.ts';

export const hubspot = defineConnector<HubspotConfig>({
  kind: 'hubspot',
  title: 'HubSpot',
  configSchema: hubspotConfigSchema,
  streams: hubspotStreams.map((stream) => stream.spec),
  check: (ctx) => checkHubspot(ctx.config, createHubspotClient(ctx), hubspotStreams),
  read: (ctx, stream, cursor) =>
    searchChanges(createHubspotClient(ctx), findCrmObjectStream(stream), cursor, {
      limit: ctx.config.pageSize,
      overlapMs: ctx.config.overlapSeconds * 1000,
    }),
  write: (ctx, stream, ops) =>
    writeCrmObjects(createHubspotClient(ctx), findCrmObjectStream(stream), ctx.config.idProperty, ops),
  webhook: receiveWebhook,
});
