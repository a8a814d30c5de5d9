import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture } from '../integration/api-fixture.ts';
import { startChild, withSearchPath } from '../support/child-process.ts';
import { openPostgresStore, queueDrivers } from '../support/drivers.ts';
import { eventually } from '../support/test-hub.ts';

const databaseUrl = process.env.DATABASE_URL;
const LEASE_MS = 2000;

describe.skipIf(!databaseUrl)('the runs API after a sync process was killed with SIGKILL', () => {
  let api: ApiFixture;
  let url: string;
  const get = (path: string) => request(api.app).get(path).set(bearer(api.tokens.viewer));
  beforeAll(async () => {
    const store = await openPostgresStore(databaseUrl!);
    const { rows } = await store.db.query<{ schema: string }>('SELECT current_schema() AS schema');
    url = withSearchPath(databaseUrl!, rows[0]!.schema);
    api = await startApiFixture({
      store: { name: 'postgres', open: async () => store },
      queue: queueDrivers()[0]!,
    });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('shows the run abandoned once its stream lease has expired', async () => {
    const child = startChild('tests/support/sync-child.ts', {
      DATABASE_URL: url,
      REDIS_URL: '',
      HUB_STREAM_LEASE_MS: String(LEASE_MS),
      SOURCE_RECORDS: '1000',
    });
    const run = await eventually(
      async () =>
        (await get('/api/runs')).body.items?.find(
          (item: { counts: { read: number } }) => item.counts.read >= 100,
        ),
      60_000,
      'a run with 100 records read',
    );
    child.kill('SIGKILL');
    expect(await child.output).toBe('killed by SIGKILL');

    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 1000));
    const after = await get(`/api/runs/${run.id}`);
    expect(after.body).toMatchObject({ status: 'abandoned', statusReason: 'the process running it stopped' });
    expect(after.body.finishedAt).not.toBeNull();
    const listed = await get('/api/runs');
    expect(listed.body.items.find((item: { id: string }) => item.id === run.id).status).toBe('abandoned');
  }, 90_000);
});
