import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOperations } from '../../core/api/openapi/catalog.ts';
import { logger } from '../../core/log/logger.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { LogCapture } from '../support/log-capture.ts';
import { type ApiFixture, bearer, PASSWORD, startApiFixture } from './api-fixture.ts';

const SECRET = 'whsec-never-show-me-9f3k2';

describe.each(storeDrivers())('no secret in any API answer or log line on $name', (store) => {
  let fixture: ApiFixture;
  const capture = new LogCapture({ level: 'debug' });
  const previousLevel = logger.level;
  beforeAll(async () => {
    logger.level = 'debug';
    logger.add(capture);
    fixture = await startApiFixture({ store, queue: queueDrivers()[0]!, loginLimit: 1000 });
  });
  afterAll(async () => {
    logger.remove(capture);
    logger.level = previousLevel;
    await fixture.stop();
  });

  it('keeps secrets write-only through create, edit, check and every read, and out of the log', async () => {
    const admin = bearer(fixture.tokens.admin);
    const texts: string[] = [];
    const keep = (response: request.Response) => {
      texts.push(response.text);
      return response;
    };
    const created = keep(
      await request(fixture.app)
        .post('/api/connections')
        .set(admin)
        .send({
          id: 'erp',
          kind: 'memory',
          name: 'ERP',
          config: { system: 'erp-secret-test', webhookSecret: SECRET },
        }),
    );
    expect(created.status).toBe(201);
    expect(created.body.secretFields).toEqual(['webhookSecret']);
    const edited = keep(
      await request(fixture.app)
        .put('/api/connections/erp')
        .set(admin)
        .send({ name: 'ERP renamed', config: { system: 'erp-secret-test', webhookSecret: '' } }),
    );
    expect(edited.status).toBe(200);
    expect((await fixture.test.hub.store.connections.get('erp')).config.webhookSecret).toBe(SECRET);
    keep(await request(fixture.app).post('/api/connections/erp/check').set(admin));
    keep(
      await request(fixture.app)
        .post('/api/connections')
        .set(admin)
        .send({ id: 'bad', kind: 'memory', name: 'Bad', config: { webhookSecret: SECRET } }),
    );
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      for (const operation of apiOperations.filter((op) => op.method === 'get' && !op.path.includes(':'))) {
        keep(await request(fixture.app).get(operation.path).set(bearer(fixture.tokens[role])));
      }
      keep(await request(fixture.app).get('/api/connections/erp').set(bearer(fixture.tokens[role])));
    }
    keep(
      await request(fixture.app)
        .post('/api/auth/login')
        .send({ email: 'admin@example.com', password: PASSWORD }),
    );
    expect(texts.length).toBeGreaterThan(20);
    for (const text of texts) expect(text).not.toContain(SECRET);
    for (const text of texts) expect(text).not.toContain(PASSWORD);
    expect(capture.lines.some((line) => line.includes('/api/connections'))).toBe(true);
    for (const line of capture.lines) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain(PASSWORD);
      for (const token of Object.values(fixture.tokens)) expect(line).not.toContain(token);
    }
  });
});
