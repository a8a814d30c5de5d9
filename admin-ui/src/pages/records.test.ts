import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { CursorPage } from '../api.ts';
import { CursorPager, cursorPagerOf } from '../components.tsx';
import { movedParams, recordCursors, recordListPath, reviewCursors } from './records.tsx';

const pageOf = (first: number, count: number, cursors: Partial<CursorPage<unknown>> = {}) => ({
  items: Array.from({ length: count }, (_, index) => ({ id: String(first + index) })),
  total: 230,
  limit: 50,
  offset: first - 1,
  nextCursor: 'NEXT',
  previousCursor: 'PREVIOUS',
  ...cursors,
});

const pager = (page: CursorPage<unknown>) =>
  renderToStaticMarkup(createElement(CursorPager, { page, onMove: () => {}, testId: 'records-pager' }));
const button = (html: string, which: 'previous' | 'next') =>
  html.match(new RegExp(`<button[^>]*data-testid="records-pager-${which}"[^>]*>`))?.[0];

describe('the master-data pager', () => {
  it('shows which rows of how many, with previous and next where there are rows that way', () => {
    const middle = pager(pageOf(51, 50));
    expect(middle).toContain('Showing 51–100 of 230');
    expect(button(middle, 'previous')).not.toContain('disabled');
    expect(button(middle, 'next')).not.toContain('disabled');

    const first = pager(pageOf(1, 50, { previousCursor: null }));
    expect(first).toContain('Showing 1–50 of 230');
    expect(button(first, 'previous')).toContain('disabled');

    const last = pager(pageOf(201, 30, { nextCursor: null }));
    expect(last).toContain('Showing 201–230 of 230');
    expect(button(last, 'next')).toContain('disabled');
  });

  it('moves the records on from their cursor, keeping the search, the entity and the review queue', () => {
    const params = new URLSearchParams('entity=supplier&q=pump&id=g-7&reviewAfter=R1&before=OLD');
    const next = cursorPagerOf(pageOf(51, 50)).next!;
    const moved = new URLSearchParams(movedParams(params, recordCursors, next));
    expect(Object.fromEntries(moved)).toEqual({
      entity: 'supplier',
      q: 'pump',
      id: 'g-7',
      reviewAfter: 'R1',
      after: 'NEXT',
    });
    expect(recordListPath(moved)).toBe('/api/records/supplier?q=pump&limit=50&after=NEXT');

    const back = cursorPagerOf(pageOf(51, 50)).previous!;
    const review = new URLSearchParams(movedParams(moved, reviewCursors, back));
    expect(Object.fromEntries(review)).toEqual({
      entity: 'supplier',
      q: 'pump',
      id: 'g-7',
      after: 'NEXT',
      reviewBefore: 'PREVIOUS',
    });
    expect(recordListPath(review)).toBe('/api/records/supplier?q=pump&limit=50&after=NEXT');
  });
});
