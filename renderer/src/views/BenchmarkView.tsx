import { useEffect } from 'react';
import { EmptyState } from '../components/EmptyState';
import { BenchmarkIcon } from '../components/icons';
import { useLibrary } from '../state/library';
import { useRouter } from '../state/router';
import { useServices } from '../state/services';
import { names } from './requirements';

export function BenchmarkView() {
  const { api } = useServices();
  const navigate = useRouter((s) => s.navigate);
  const { checkpoints, datasets, refreshCheckpoints, refreshDatasets } = useLibrary();
  useEffect(() => {
    void refreshCheckpoints(api);
    void refreshDatasets(api);
  }, [api, refreshCheckpoints, refreshDatasets]);

  return (
    <div className="view" data-testid="view-benchmark">
      <header className="view-header">
        <h1>Benchmark</h1>
      </header>
      <EmptyState
        icon={<BenchmarkIcon />}
        title="Compare checkpoints on Chinese benchmarks"
        testId="benchmark-empty"
        requirements={[
          {
            label: 'At least one checkpoint with a head for the task',
            met: checkpoints.length > 0,
            detail: checkpoints.length > 0 ? names(checkpoints) : 'Import a fine-tuned NEZHA checkpoint.',
            action: { label: 'Go to Checkpoints', onClick: () => navigate('checkpoints') },
          },
          {
            label: 'At least one evaluation dataset',
            met: datasets.length > 0,
            detail:
              datasets.length > 0
                ? names(datasets)
                : 'Import a benchmark split: MSRA / People’s Daily NER, CLUENER, LCQMC, ChnSentiCorp, XNLI, CMRC 2018 or C3.',
            action: { label: 'Go to Datasets', onClick: () => navigate('datasets') },
          },
        ]}
      >
        <p>
          Pick checkpoints and datasets; the inference worker batches examples by length, runs each
          checkpoint’s head and scores the predictions with the task’s standard metric (entity F1 for NER,
          accuracy for classification, EM/F1 for reading comprehension), with bootstrap confidence intervals
          and paired significance tests. Results are kept so runs can be compared and exported as a report.
        </p>
        <p className="muted">Benchmark runs arrive in a later version. They will need:</p>
      </EmptyState>
    </div>
  );
}
