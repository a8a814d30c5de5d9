import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDb } from './postgres.ts';

const databaseUrl = process.env.DATABASE_URL;

describe.skipIf(!databaseUrl)('PostgreSQL transactions', () => {
  const db = databaseUrl ? createPostgresDb({ connectionString: databaseUrl, max: 2 }) : undefined;
  const table = `tx_order_${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    await db!.exec(`CREATE TABLE ${table} (n int)`);
  });
  afterAll(async () => {
    await db?.exec(`DROP TABLE IF EXISTS ${table}`);
    await db?.close();
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

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

  it('leave no write behind when one of their parallel statements fails: the ones not yet sent are refused', async () => {
    await expect(
      db!.transaction(async (tx) => {
        await Promise.all([
          tx.query('SELECT 1/0'),
          tx.query('SELECT pg_sleep(0.05)'),
          tx.query(`INSERT INTO ${table} VALUES (1)`),
        ]);
      }),
    ).rejects.toThrow(/division by zero/);
    await settle();
    expect((await db!.query(`SELECT n FROM ${table} WHERE n = 1`)).rows).toEqual([]);
  });

  it('leave no write behind when their function throws while statements wait their turn', async () => {
    await expect(
      db!.transaction(async (tx) => {
        const slow = tx.query('SELECT pg_sleep(0.05)');
        const write = tx.query(`INSERT INTO ${table} VALUES (2)`);
        await Promise.all([slow, write, Promise.reject(new Error('refused by a check'))]);
      }),
    ).rejects.toThrow(/refused by a check/);
    await settle();
    expect((await db!.query(`SELECT n FROM ${table} WHERE n = 2`)).rows).toEqual([]);
  });

  it('commit the statements still waiting their turn when the function returns', async () => {
    await db!.transaction(async (tx) => {
      void tx.query('SELECT pg_sleep(0.02)');
      void tx.query(`INSERT INTO ${table} VALUES (3)`);
    });
    expect((await db!.query(`SELECT n FROM ${table} WHERE n = 3`)).rows).toEqual([{ n: 3 }]);
  });
});
