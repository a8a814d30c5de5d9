import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDb } from './postgres.ts';

const databaseUrl = process.env.DATABASE_URL;

describe.skipIf(!databaseUrl)('PostgreSQL transactions', () => {
  const db = databaseUrl ? createPostgresDb({ connectionString: databaseUrl, max: 2 }) : undefined;
  afterAll(async () => {
    await db?.close();
  });

  it('hand the connection one statement at a time when callers start several at once, in the order asked', async () => {
    const original = pg.Client.prototype.query;
    let running = 0;
    let most = 0;
    const counting = function (this: pg.Client, ...args: unknown[]) {
      running++;
      most = Math.max(most, running);
      const result = (original as (...a: unknown[]) => unknown).apply(this, args);
      if (result instanceof Promise) return result.finally(() => running--);
      running--;
      return result;
    };
    pg.Client.prototype.query = counting as typeof original;
    try {
      const answers = await db!.transaction((tx) =>
        Promise.all(
          [1, 2, 3, 4].map(
            async (n) =>
              (await tx.query<{ n: number }>('SELECT $1::int AS n, pg_sleep(0.01)', [n])).rows[0]!.n,
          ),
        ),
      );
      expect(answers).toEqual([1, 2, 3, 4]);
    } finally {
      pg.Client.prototype.query = original;
    }
    expect(most).toBe(1);
  });

  it('goes on with the next statement after one fails, and rolls the transaction back', async () => {
    await expect(
      db!.transaction(async (tx) => {
        const failing = tx.query('SELECT 1/0');
        const next = tx.query<{ one: number }>('SELECT 1 AS one');
        await Promise.allSettled([failing, next]);
        await failing;
      }),
    ).rejects.toThrow(/division by zero/);
    expect((await db!.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
