import pg from 'pg';

/**
 * Resolves once another session of this database waits for a lock, so a test can hold a row lock
 * and know the concurrent transaction has reached it. Throws `neverWaited` after about 5 s.
 */
export async function lockWaiter(databaseUrl: string, neverWaited: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    for (let i = 0; i < 200; i++) {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
      );
      if (rows[0]!.n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(neverWaited);
  } finally {
    await admin.end();
  }
}
