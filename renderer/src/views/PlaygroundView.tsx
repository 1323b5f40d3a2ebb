import { useEffect } from 'react';
import { EmptyState } from '../components/EmptyState';
import { PlaygroundIcon } from '../components/icons';
import { backendLabel } from '../inference/backendSelection';
import { useLibrary } from '../state/library';
import { useRouter } from '../state/router';
import { useRuntime } from '../state/runtime';
import { useServices } from '../state/services';
import { names } from './requirements';

export function PlaygroundView() {
  const { api } = useServices();
  const navigate = useRouter((s) => s.navigate);
  const { checkpoints, refreshCheckpoints } = useLibrary();
  const { backend, backendError } = useRuntime();
  useEffect(() => {
    void refreshCheckpoints(api);
  }, [api, refreshCheckpoints]);

  return (
    <div className="view" data-testid="view-playground">
      <header className="view-header">
        <h1>Playground</h1>
      </header>
      <EmptyState
        icon={<PlaygroundIcon />}
        title="Try a checkpoint on your own text"
        testId="playground-empty"
        requirements={[
          {
            label: 'A checkpoint',
            met: checkpoints.length > 0,
            detail: checkpoints.length > 0 ? names(checkpoints) : 'Import a NEZHA checkpoint folder.',
            action: { label: 'Go to Checkpoints', onClick: () => navigate('checkpoints') },
          },
          {
            label: 'A running inference backend',
            met: backend !== null,
            detail: backend
              ? `${backendLabel(backend)}: ${backend.reason}`
              : (backendError ?? 'The inference worker is still starting.'),
          },
        ]}
      >
        <p>
          Type or paste Chinese text (例如：“哪吒在陈塘关长大。”) and see how the tokenizer splits it, the
          entities a token-classification head finds, masked-word predictions, or the scores of a
          classification head, with timings for the backend in use.
        </p>
        <p className="muted">The playground arrives in a later version. It will need:</p>
      </EmptyState>
    </div>
  );
}
