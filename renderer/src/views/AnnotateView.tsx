import { useEffect } from 'react';
import { EmptyState } from '../components/EmptyState';
import { AnnotateIcon } from '../components/icons';
import { useLibrary } from '../state/library';
import { useRouter } from '../state/router';
import { useServices } from '../state/services';
import { isNerDataset, isTokenClassifier, names } from './requirements';

export function AnnotateView() {
  const { api } = useServices();
  const navigate = useRouter((s) => s.navigate);
  const { checkpoints, datasets, refreshCheckpoints, refreshDatasets } = useLibrary();
  useEffect(() => {
    void refreshCheckpoints(api);
    void refreshDatasets(api);
  }, [api, refreshCheckpoints, refreshDatasets]);

  const taggers = checkpoints.filter(isTokenClassifier);
  const corpora = datasets.filter(isNerDataset);

  return (
    <div className="view" data-testid="view-annotate">
      <header className="view-header">
        <h1>Annotate</h1>
      </header>
      <EmptyState
        icon={<AnnotateIcon />}
        title="Annotate NER corpora with a model in the loop"
        testId="annotate-empty"
        requirements={[
          {
            label: 'A NER dataset',
            met: corpora.length > 0,
            detail:
              corpora.length > 0
                ? names(corpora)
                : 'Import a NER dataset first (People’s Daily / MSRA, CLUENER…).',
            action: { label: 'Go to Datasets', onClick: () => navigate('datasets') },
          },
          {
            label: 'A token-classification checkpoint',
            met: taggers.length > 0,
            detail:
              taggers.length > 0
                ? names(taggers)
                : 'Import a NezhaForTokenClassification checkpoint trained on your labels.',
            action: { label: 'Go to Checkpoints', onClick: () => navigate('checkpoints') },
          },
        ]}
      >
        <p>
          Open a NER dataset, let a NEZHA token-classification model pre-annotate each sentence (entity spans
          on the original characters), then accept, fix or add spans with the keyboard. Every edit is saved as
          you go, and the corrected corpus exports back to its original format.
        </p>
        <p className="muted">The annotation editor arrives in a later version. It will need:</p>
      </EmptyState>
    </div>
  );
}
