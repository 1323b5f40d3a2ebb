/** The checkpoint and dataset lists, fetched from the main side and shared by every view. */
import { create } from 'zustand';
import type { CheckpointRecord, DatasetRecord } from '../../../shared/ipc';
import type { Api } from '../api/client';

type LoadState = 'idle' | 'loading' | 'ready' | 'error';

interface LibraryState {
  checkpoints: CheckpointRecord[];
  checkpointsState: LoadState;
  checkpointsError: string | null;
  datasets: DatasetRecord[];
  datasetsState: LoadState;
  datasetsError: string | null;
  refreshCheckpoints(api: Api): Promise<void>;
  refreshDatasets(api: Api): Promise<void>;
  importCheckpoint(api: Api, request: { path: string; name?: string }): Promise<CheckpointRecord>;
  removeCheckpoint(api: Api, id: string): Promise<void>;
  removeDataset(api: Api, id: string): Promise<void>;
}

export const useLibrary = create<LibraryState>()((set, get) => ({
  checkpoints: [],
  checkpointsState: 'idle',
  checkpointsError: null,
  datasets: [],
  datasetsState: 'idle',
  datasetsError: null,

  async refreshCheckpoints(api) {
    set({ checkpointsState: 'loading' });
    try {
      set({ checkpoints: await api.checkpoints.list(), checkpointsState: 'ready', checkpointsError: null });
    } catch (error) {
      set({ checkpointsState: 'error', checkpointsError: (error as Error).message });
    }
  },
  async refreshDatasets(api) {
    set({ datasetsState: 'loading' });
    try {
      set({ datasets: await api.datasets.list(), datasetsState: 'ready', datasetsError: null });
    } catch (error) {
      set({ datasetsState: 'error', datasetsError: (error as Error).message });
    }
  },
  async importCheckpoint(api, request) {
    const record = await api.checkpoints.import(request);
    await get().refreshCheckpoints(api);
    return record;
  },
  async removeCheckpoint(api, id) {
    await api.checkpoints.remove({ id });
    await get().refreshCheckpoints(api);
  },
  async removeDataset(api, id) {
    await api.datasets.remove({ id });
    await get().refreshDatasets(api);
  },
}));
