import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../core/api/routes/connector-schema.ts';
import { hubspotConfigSchema } from './config.ts';
import { hubspot } from './index.ts';

const auth = { type: 'private_app', accessToken: 'pat-na1-token' };

describe('HubSpot push-back settings', () => {
  it('takes the internal names of the deal properties for each TOC result, none by default', () => {
    const pushBack = {
      promiseDate: 'thub_promise_date',
      bufferStatus: 'thub_buffer_status',
      throughputPerConstraintMinute: 'thub_tp_per_cm_2',
    };
    expect(hubspotConfigSchema.parse({ auth, pushBack }).pushBack).toEqual(pushBack);
    expect(hubspotConfigSchema.parse({ auth }).pushBack).toEqual({});
  });

  it.each(['Promise_Date', 'promise-date', 'promise date', '', 'p'.repeat(101)])(
    'refuses "%s", which is no HubSpot internal name',
    (name) => {
      expect(hubspotConfigSchema.safeParse({ auth, pushBack: { promiseDate: name } }).success).toBe(false);
    },
  );

  it('refuses a property that is the id property, or that another result already receives, naming the field', () => {
    const onId = hubspotConfigSchema.safeParse({ auth, pushBack: { promiseDate: 'hub_id' } });
    expect(onId.success).toBe(false);
    expect(onId.error?.issues[0]).toMatchObject({ path: ['pushBack', 'promiseDate'] });
    const ownId = hubspotConfigSchema.safeParse({
      auth,
      idProperty: 'erp_key',
      pushBack: { promiseDate: 'erp_key' },
    });
    expect(ownId.success).toBe(false);
    const twice = hubspotConfigSchema.safeParse({
      auth,
      pushBack: { promiseDate: 'thub_result', throughputPerConstraintMinute: 'thub_result' },
    });
    expect(twice.error?.issues[0]).toMatchObject({ path: ['pushBack', 'throughputPerConstraintMinute'] });
  });

  it('shows the three properties in the connection form', () => {
    const schema = configJsonSchema(hubspot) as {
      properties: { pushBack: { properties: Record<string, unknown> } };
    };
    expect(Object.keys(schema.properties.pushBack.properties)).toEqual([
      'promiseDate',
      'bufferStatus',
      'throughputPerConstraintMinute',
    ]);
  });
});
