import { QueueForms } from '~/components/queue-form/queue-form.tsx';

export const dynamic = 'force-dynamic';

export default async function QueuePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { from, dataset } = await searchParams;
  const fromRunId = typeof from === 'string' && from.trim() !== '' ? from.trim() : undefined;
  // `?dataset=folder:/…` from the Datasets page: start the form on that dataset.
  const initialDataset = typeof dataset === 'string' && dataset !== '' ? dataset : undefined;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Queue a run</h1>
          <p>Pick a preset and override what you like; a trainer daemon picks the run up.</p>
        </div>
      </div>
      <QueueForms fromRunId={fromRunId} dataset={initialDataset} />
    </>
  );
}
