import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../store/db.ts';
import { candidateInputs, rememberInput } from './candidate-inputs.ts';

function fakeDb(bodies: Map<string, { version: number; body: Record<string, unknown> }>) {
  const asked: string[][] = [];
  const db: Queryable = {
    async query<R>(_sql: string, params?: unknown[]) {
      const ids = (params?.[0] ?? []) as string[];
      asked.push(ids);
      const rows = ids.flatMap((id) => (bodies.has(id) ? [{ id, ...bodies.get(id)! }] : []));
      return { rows: rows as R[], rowCount: rows.length };
    },
    async exec() {},
  };
  return { db, asked };
}

describe('candidateInputs', () => {
  it('reads a golden record once per version and reuses the same input object', async () => {
    const bodies = new Map([['g-1', { version: 1, body: { name: 'Hengda Auto Parts' } }]]);
    const { db, asked } = fakeDb(bodies);
    const first = await candidateInputs(db, 'customer', new Map([['g-1', 1]]));
    const again = await candidateInputs(db, 'customer', new Map([['g-1', 1]]));
    expect(asked).toEqual([['g-1']]);
    expect(again.get('g-1')).toBe(first.get('g-1'));
    expect(first.get('g-1')?.values.name).toBe('Hengda Auto Parts');

    bodies.set('g-1', { version: 2, body: { name: 'Hengda Auto Parts Ningbo' } });
    const changed = await candidateInputs(db, 'customer', new Map([['g-1', 2]]));
    expect(asked).toEqual([['g-1'], ['g-1']]);
    expect(changed.get('g-1')?.values.name).toBe('Hengda Auto Parts Ningbo');
  });

  it('uses what this process remembered about a record it created', async () => {
    const { db, asked } = fakeDb(new Map());
    rememberInput('supplier', 'g-2', 1, { id: 'g-2', values: { name: 'Yongli Electronics' } });
    const inputs = await candidateInputs(db, 'supplier', new Map([['g-2', 1]]));
    expect(asked).toEqual([]);
    expect(inputs.get('g-2')?.values.name).toBe('Yongli Electronics');
  });
});
