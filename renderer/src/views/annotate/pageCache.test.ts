import { describe, expect, it } from 'vitest';
import { PageCache } from './pageCache';

/** A paged source like examples.list: items are their own list positions. */
const page = (pageNumber: number, size: number, total: number) =>
  Array.from(
    { length: Math.max(0, Math.min(size, total - pageNumber * size)) },
    (_, i) => pageNumber * size + i,
  );

describe('PageCache', () => {
  it('asks only for pages it neither has nor is fetching', () => {
    const cache = new PageCache<number>(100, 4);
    expect(cache.missingPages(0, 250)).toEqual([0, 1, 2]);
    cache.markPending(0);
    cache.markPending(1);
    expect(cache.missingPages(0, 250)).toEqual([2]);
    cache.put(0, page(0, 100, 1000));
    expect(cache.get(42)).toBe(42);
    expect(cache.get(142)).toBeUndefined();
    cache.fail(1);
    expect(cache.missingPages(0, 250)).toEqual([1, 2]);
  });

  it('keeps memory bounded while scrolling through 100,000 examples', () => {
    const total = 100_000;
    const cache = new PageCache<number>(100, 6);
    for (let first = 0; first < total; first += 37) {
      for (const p of cache.missingPages(first, Math.min(total - 1, first + 30)))
        cache.put(p, page(p, 100, total));
      expect(cache.get(first)).toBe(first);
    }
    expect(cache.loadedPages).toBe(6);
    expect(cache.get(99_999)).toBe(99_999);
    expect(cache.get(0)).toBeUndefined(); // dropped long ago
  });

  it('drops the least recently used page, not the oldest fetched', () => {
    const cache = new PageCache<number>(10, 2);
    cache.put(0, page(0, 10, 100));
    cache.put(1, page(1, 10, 100));
    expect(cache.get(3)).toBe(3); // page 0 used again
    cache.put(2, page(2, 10, 100));
    expect(cache.get(5)).toBe(5);
    expect(cache.get(15)).toBeUndefined();
  });

  it('ignores answers to requests sent before a clear (filter changed)', () => {
    const cache = new PageCache<number>(10, 4);
    const generation = cache.generation;
    cache.markPending(0);
    cache.clear();
    expect(cache.put(0, [99], generation)).toBe(false);
    expect(cache.get(0)).toBeUndefined();
    expect(cache.missingPages(0, 5)).toEqual([0]);
  });

  it('replaces an edited item in place and finds items', () => {
    const cache = new PageCache<{ id: number }>(10, 4);
    cache.put(
      1,
      Array.from({ length: 10 }, (_, i) => ({ id: 10 + i })),
    );
    expect(cache.replace(13, { id: 99 })).toBe(true);
    expect(cache.get(13)).toEqual({ id: 99 });
    expect(cache.findIndex((item) => item.id === 99)).toBe(13);
    expect(cache.replace(3, { id: 1 })).toBe(false);
    expect(cache.replace(25, { id: 1 })).toBe(false);
  });
});
