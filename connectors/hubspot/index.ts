import { defineConnector } from '../../core/connector/define.ts';
import { checkHubspot } from './check.ts';
import { createHubspotClient } from './client.ts';
import { type HubspotConfig, hubspotConfigSchema } from './config.ts';
import { portalTimeZone } from './portal-time-zone.ts';
import { readChanges } from './read.ts';
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
    readChanges(ctx, createHubspotClient(ctx), findCrmObjectStream(stream), cursor),
  write: (ctx, stream, ops) => {
    const client = createHubspotClient(ctx);
    const timeZone = portalTimeZone(ctx, client);
    return writeCrmObjects(client, findCrmObjectStream(stream), ctx.config, ops, timeZone);
  },
  webhook: receiveWebhook,
});
