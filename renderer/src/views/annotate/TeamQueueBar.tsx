import { SessionStore } from '../../state/session';
import { AnnotateStore } from './store';

/**
 * On a team server: the signed-in account's queue for the open dataset (what they did, what they hold, how
 * far the team is) and the button that takes the next example from it.
 */
export function TeamQueueBar() {
  const user = SessionStore.use((s) => s.user);
  const teamProgress = AnnotateStore.use((s) => s.teamProgress);
  const queue = AnnotateStore.use((s) => s.queue);
  const takeNext = AnnotateStore.use((s) => s.takeNext);
  const datasetId = AnnotateStore.use((s) => s.datasetId);
  if (!user || !datasetId) return null;
  const mine = teamProgress?.annotators.find((a) => a.annotator === user.name);
  return (
    <div className="team-queue" role="region" aria-label="Team queue" data-testid="team-queue">
      <span>
        <strong>{user.name}</strong>: {mine?.done ?? 0} done
        {mine?.leased ? ` · ${mine.leased} open` : ''}
      </span>
      {teamProgress && (
        <span className="muted small" data-testid="team-progress">
          Team: {teamProgress.complete.toLocaleString()} of {teamProgress.examples.toLocaleString()} examples
          complete (each to {teamProgress.overlap} annotator{teamProgress.overlap === 1 ? '' : 's'})
        </span>
      )}
      <span className="spacer" />
      {queue === 'empty' && <span className="muted small">Nothing left in your queue.</span>}
      <button
        type="button"
        className="button button-small button-primary"
        disabled={queue === 'taking'}
        onClick={() => void takeNext()}
      >
        Next from my queue
      </button>
    </div>
  );
}
