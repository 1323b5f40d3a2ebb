/**
 * The checkpoint and dataset lists, fetched from the main side and shared by every view. Like the view
 * stores, created once by main.tsx with the api (`createLibraryStore(api)`) and read through `LibraryStore`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CheckpointRecord, DatasetRecord } from '../../../shared/ipc';
import type { Api } from '../api/client';
import { defineViewStore } from './viewStore';

type LoadState = 'idle' | 'loading' | 'ready' | 'error';

export interface LibraryState {
  checkpoints: CheckpointRecord[];
  checkpointsState: LoadState;
  checkpointsError: string | null;
  datasets: DatasetRecord[];
  datasetsState: LoadState;
  datasetsError: string | null;
  refreshCheckpoints(): Promise<void>;
  refreshDatasets(): Promise<void>;
  importCheckpoint(request: { path: string; name?: string }): Promise<CheckpointRecord>;
  removeCheckpoint(id: string): Promise<void>;
  removeDataset(id: string): Promise<void>;
}

export function createLibraryStore(api: Api): StoreApi<LibraryState> {
  return createStore<LibraryState>()((set, get) => ({
    checkpoints: [],
    checkpointsState: 'idle',
    checkpointsError: null,
    datasets: [],
    datasetsState: 'idle',
    datasetsError: null,

    async refreshCheckpoints() {
      set({ checkpointsState: 'loading' });
      try {
        set({ checkpoints: await api.checkpoints.list(), checkpointsState: 'ready', checkpointsError: null });
      } catch (error) {
        set({ checkpointsState: 'error', checkpointsError: (error as Error).message });
      }
    },
    async refreshDatasets() {
      set({ datasetsState: 'loading' });
      try {
        set({ datasets: await api.datasets.list(), datasetsState: 'ready', datasetsError: null });
      } catch (error) {
        set({ datasetsState: 'error', datasetsError: (error as Error).message });
      }
    },
    async importCheckpoint(request) {
      const record = await api.checkpoints.import(request);
      await get().refreshCheckpoints();
      return record;
    },
    async removeCheckpoint(id) {
      await api.checkpoints.remove({ id });
      await get().refreshCheckpoints();
    },
    async removeDataset(id) {
      await api.datasets.remove({ id });
      await get().refreshDatasets();
    },
  }));
}

export const LibraryStore = defineViewStore<LibraryState>('Library');
