/**
 * The example list's window onto a corpus: fixed-size pages fetched on demand from the store's
 * paged query, a bounded number kept (least recently used dropped), so scrolling through 100,000
 * sentences never holds more than `maxPages × pageSize` examples in memory.
 */
export class PageCache<T> {
  private readonly pages = new Map<number, T[]>();
  private readonly pending = new Set<number>();

  constructor(
    readonly pageSize = 100,
    readonly maxPages = 12,
  ) {}

  /** Page number holding list position `index`. */
  pageOf(index: number): number {
    return Math.floor(index / this.pageSize);
  }

  /** The item at list position `index`, or undefined if its page is not loaded. Marks the page used. */
  get(index: number): T | undefined {
    const page = this.pageOf(index);
    const items = this.pages.get(page);
    if (!items) return undefined;
    this.touch(page, items);
    return items[index - page * this.pageSize];
  }

  /** Pages covering positions `from..to` (inclusive) that are neither loaded nor being loaded. */
  missingPages(from: number, to: number): number[] {
    const missing: number[] = [];
    if (to < from) return missing;
    for (let page = this.pageOf(Math.max(0, from)); page <= this.pageOf(to); page++) {
      if (!this.pages.has(page) && !this.pending.has(page)) missing.push(page);
    }
    return missing;
  }

  /** Remember that a page's request is in flight (so a scroll does not ask twice). */
  markPending(page: number): void {
    this.pending.add(page);
  }

  /** Store a fetched page (a stale page, from before `clear`, is refused: returns false). */
  put(page: number, items: T[], generation = this.generation): boolean {
    if (generation !== this.generation) return false;
    this.pending.delete(page);
    this.touch(page, items);
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value as number;
      this.pages.delete(oldest);
    }
    return true;
  }

  /** A failed fetch: allow asking again. */
  fail(page: number): void {
    this.pending.delete(page);
  }

  /** Replace one loaded item in place (after an edit); false if its page is not loaded. */
  replace(index: number, item: T): boolean {
    const page = this.pageOf(index);
    const items = this.pages.get(page);
    if (!items || index - page * this.pageSize >= items.length) return false;
    items[index - page * this.pageSize] = item;
    return true;
  }

  /** Find a loaded item's list position. */
  findIndex(predicate: (item: T) => boolean): number {
    for (const [page, items] of this.pages) {
      const at = items.findIndex(predicate);
      if (at >= 0) return page * this.pageSize + at;
    }
    return -1;
  }

  /** Forget everything (filter or order changed); answers of requests sent before are then ignored. */
  clear(): void {
    this.pages.clear();
    this.pending.clear();
    this.generation++;
  }

  /** Bumped by `clear`; pass the value read before a request to `put`. */
  generation = 0;

  get loadedPages(): number {
    return this.pages.size;
  }

  private touch(page: number, items: T[]): void {
    this.pages.delete(page);
    this.pages.set(page, items);
  }
}
