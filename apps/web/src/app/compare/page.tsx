import { CompareView } from '~/components/compare-view/compare-view.tsx';

export default async function ComparePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ids } = await searchParams;
  const list = (typeof ids === 'string' ? ids.split(',') : [])
    .map((id) => id.trim())
    .filter((id) => id !== '');
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Compare runs</h1>
          <p>
            Learning curves, final accuracy, per-class F1 and what differs in their configuration.
          </p>
        </div>
      </div>
      <CompareView ids={[...new Set(list)]} />
    </>
  );
}
