/**
 * Label mappings (issue 12): which dataset label each entity type of a checkpoint becomes (or null:
 * ignored), chosen once per (checkpoint, dataset) in Annotate's mapping step and kept on the main side, one
 * settings-table value per pair. A target must be one of the dataset's labels; the refusal names the key.
 */
import type { StoredLabelMapping } from '../../shared/ipc';
import { ServiceError } from './errors';
import type { SettingsService } from './settings';

/** What the store needs of the dataset store: the dataset's label names (throws for an unknown dataset). */
export interface DatasetLabelSource {
  listLabels(datasetId: string): readonly { name: string }[];
}

const keyOf = (checkpointId: string, datasetId: string) =>
  `labelMapping:${JSON.stringify([checkpointId, datasetId])}`;

export class LabelMappingStore {
  constructor(
    private readonly settings: SettingsService,
    private readonly datasets: DatasetLabelSource,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  get(checkpointId: string, datasetId: string): StoredLabelMapping | null {
    return this.settings.getInternal<StoredLabelMapping>(keyOf(checkpointId, datasetId));
  }

  save(checkpointId: string, datasetId: string, mapping: Record<string, string | null>): StoredLabelMapping {
    const labels = new Set(this.datasets.listLabels(datasetId).map((l) => l.name));
    for (const [modelLabel, target] of Object.entries(mapping)) {
      if (target !== null && !labels.has(target)) {
        throw new ServiceError(
          'bad-request',
          `Label mapping for ${checkpointId} on ${datasetId}: mapping.${modelLabel} is "${target}", which is not ` +
            `a label of the dataset (its labels: ${[...labels].join(', ') || 'none'}). Pick one of them, or null to ignore.`,
        );
      }
    }
    const stored: StoredLabelMapping = { checkpointId, datasetId, mapping, updatedAt: this.now() };
    this.settings.setInternal(keyOf(checkpointId, datasetId), stored);
    return stored;
  }
}
