/** What the Datasets page says under a built-in dataset about its last fetch from the page. */
import type { RouterOutputs } from '~/server/root.ts';

type DatasetsList = RouterOutputs['datasets']['list'];
type FetchJob = DatasetsList['fetches'][number];
type DatasetState = DatasetsList['builtin'][number]['state'];

/**
 * The fetch's progress, or how it ended while that is still the news; null once the dataset's state
 * says otherwise. The state has no time to compare with the job's finishedAt, but the order is known:
 * a fetch starts only while the dataset is not present, so "present" is newer than a failed fetch
 * (imported or copied in since); a fetch succeeds only by making it present, so "missing" or
 * "corrupt" is newer than a successful one.
 */
export function fetchJobNote(
  job: Pick<FetchJob, 'state' | 'messages' | 'result'>,
  datasetState: DatasetState,
): string | null {
  if (job.state === 'running') return job.messages.at(-1) ?? 'starting…';
  if (job.state === 'failed')
    return datasetState === 'present' ? null : `fetch failed: ${job.result ?? ''}`;
  return datasetState === 'missing' || datasetState === 'corrupt'
    ? null
    : `fetched: ${job.result ?? ''}`;
}
