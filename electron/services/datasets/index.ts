/**
 * The dataset store (store.ts): import (import.ts), the datasets table (library.ts, rows.ts), example
 * queries and filters (examples.ts, exampleFilter.ts), label sets (labels.ts), export (export.ts) and
 * copies (copy.ts).
 */
export { DatasetStore, type DatasetStoreOptions } from './store';
export type { ImportRequest } from './import';
