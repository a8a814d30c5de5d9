import type { Express } from 'express';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiOperations } from '../../core/api/openapi/catalog.ts';
import { findOperation } from '../../core/api/openapi/operations.ts';
import { findFlow } from '../../core/flow/catalog.ts';
import { runFlowNow } from '../../core/flow/service.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { type ApiFixture, bearer, startApiFixture } from './api-fixture.ts';
import { canonicalIdOf, connectTwoSystems } from './mdm-fixture.ts';

interface RouterLayer {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
}

/** Every method and path the app's routers serve, as `get /api/users`. */
function servedRoutes(app: Express): string[] {
  const walk = (layers: RouterLayer[], prefix: string): string[] =>
    layers.flatMap((layer) => {
      if (layer.route)
        return Object.keys(layer.route.methods).map((method) => `${method} ${prefix}${layer.route!.path}`);
      if (!layer.handle.stack) return [];
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      return walk(layer.handle.stack, `${prefix}${mount}`);
    });
  return walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, '');
}

describe.each(storeDrivers())('API operations catalog on $name', (store) => {
  let fixture: ApiFixture;
  beforeEach(async () => {
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]!, loginLimit: 1000 });
  });
  afterEach(async () => {
    await fixture.stop();
  });

  const api = () => request(fixture.app);
  const auditActions = async () => {
    const audit = await api().get('/api/audit?limit=500').set(bearer(fixture.tokens.admin));
    return (audit.body.items as Array<{ action: string; target: string | null }>).map(
      (entry) => `${entry.action} ${entry.target}`,
    );
  };

  it('documents every route the API serves, so none escapes its role check and audit', () => {
    const served = servedRoutes(fixture.app).filter((route) => route.split(' ')[1]!.startsWith('/api/'));
    expect(served).toContain('post /api/flow-runs/:id/replay');
    const undocumented = served.filter((route) => {
      const [method, path] = route.split(' ') as [string, string];
      return findOperation(apiOperations, method, path)?.path !== path;
    });
    expect(undocumented).toEqual([]);
  });

  it('lets an operator run a flow and replay its failed run, and audits both', async () => {
    const operator = bearer(fixture.tokens.operator);
    // Without priced items the scoring step fails, which leaves a run to replay.
    const run = await api().post('/api/flows/throughput-scoring/run').set(operator).send({});
    expect(run.body).toMatchObject({ flow: 'throughput-scoring', status: 'failed' });
    const replay = await api().post(`/api/flow-runs/${run.body.id}/replay`).set(operator);
    expect(replay.status, JSON.stringify(replay.body)).toBe(200);
    expect(await auditActions()).toEqual(
      expect.arrayContaining(['flow.run throughput-scoring', `flow_run.replay ${run.body.id}`]),
    );
  });

  it('keeps flow settings to admins', async () => {
    const change = (role: 'operator' | 'admin') =>
      api()
        .put('/api/flows/throughput-scoring/settings')
        .set(bearer(fixture.tokens[role]))
        .send({ enabled: true });
    expect((await change('operator')).status).toBe(403);
    expect((await change('admin')).status).toBe(200);
    expect(await auditActions()).toContain('flow.settings_save throughput-scoring');
  });

  it('lets an operator merge golden records by hand and audits the merge', async () => {
    const systems = await connectTwoSystems(fixture.test.hub);
    systems.crm.put('customers', { id: 'C-1', name: 'Alpha Tooling' });
    systems.erp.put('customers', { id: 'E-1', name: 'Gamma Forge' });
    await systems.sync('crm');
    await systems.sync('erp');
    const survivorId = await canonicalIdOf(fixture.test.hub, 'crm', 'C-1');
    const mergedId = await canonicalIdOf(fixture.test.hub, 'erp', 'E-1');
    const merged = await api()
      .post('/api/mdm/merge')
      .set(bearer(fixture.tokens.operator))
      .send({ survivorId, mergedId });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(await auditActions()).toContain(`mdm.merge ${mergedId}`);
  });

  it('answers a manual flow run on a malformed record id as an unknown record', async () => {
    await expect(
      runFlowNow(fixture.test.hub, findFlow('lead-to-cash'), { recordId: 'not-a-uuid' }),
    ).rejects.toMatchObject({ code: 'record_not_found' });
  });
});
