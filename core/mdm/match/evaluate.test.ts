import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFebrl, parseLabelledCsv } from './eval-datasets.ts';
import { countTruePairs, evaluatePairs } from './evaluate.ts';

const fixtures = new URL('../../../tests/support/fixtures/mdm/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixtures), 'utf8');

describe('countTruePairs', () => {
  it('counts all pairs within a label for deduplication', () => {
    const records = ['a', 'a', 'a', 'b', 'c', 'c'].map((label, i) => ({ id: `r${i}`, label }));
    expect(countTruePairs(records)).toBe(3 + 1);
  });

  it('counts only pairs across groups for linkage', () => {
    const records = [
      { id: 'l1', group: 'left', label: 'x' },
      { id: 'l2', group: 'left', label: 'x' },
      { id: 'r1', group: 'right', label: 'x' },
      { id: 'r2', group: 'right', label: 'y' },
    ];
    expect(countTruePairs(records)).toBe(2);
  });
});

describe('evaluatePairs', () => {
  it('computes pairwise precision, recall and F1, counting a pair once in either order', () => {
    const records = ['a', 'a', 'b', 'b'].map((label, i) => ({ id: `r${i}`, label }));
    const quality = evaluatePairs(
      [
        { a: 'r0', b: 'r1' },
        { a: 'r1', b: 'r0' },
        { a: 'r1', b: 'r2' },
      ],
      records,
    );
    expect(quality).toMatchObject({
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
      truePositives: 1,
      predicted: 2,
      actual: 2,
    });
  });
});

describe('evaluation datasets', () => {
  it('reads FEBRL files with labels from rec ids and groups for linkage', () => {
    const left = parseFebrl(read('febrl-left.csv'), 'febrl-left.csv', 'left');
    const right = parseFebrl(read('febrl-right.csv'), 'febrl-right.csv', 'right');
    expect(left[0]).toMatchObject({ id: 'left:rec-1-org', group: 'left', label: '1' });
    expect(left[0].values).toMatchObject({ givenName: 'mia', familyName: 'thompson', city: 'ashgrove' });
    expect(right[0].label).toBe('1');
    expect(countTruePairs([...left, ...right])).toBe(3);
  });

  it('names the row of a malformed FEBRL id', () => {
    expect(() => parseFebrl('rec_id, given_name\nrecord-9, ann\n', 'bad.csv')).toThrow(
      /bad\.csv row 2: rec_id "record-9"/,
    );
  });

  it('reads any CSV with a truth column and rejects a missing one', () => {
    const records = parseLabelledCsv(read('companies.csv'), 'companies.csv', {
      truthColumn: 'truth',
      idColumn: 'id',
    });
    expect(records[1]).toMatchObject({ id: 'c2', label: 'hengda' });
    expect(records[1].values).not.toHaveProperty('truth');
    expect(() => parseLabelledCsv(read('companies.csv'), 'companies.csv', { truthColumn: 'entity' })).toThrow(
      /no column "entity"/,
    );
  });
});
