import Link from 'next/link';
import { RunsTable } from '~/components/runs-table/runs-table.tsx';

export const dynamic = 'force-dynamic';

export default async function RunsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const group = typeof params.group === 'string' && params.group !== '' ? params.group : undefined;
  const tag = typeof params.tag === 'string' && params.tag !== '' ? params.tag : undefined;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Runs</h1>
          <p>The leaderboard: click a column to sort, tick 2–4 runs to compare them.</p>
        </div>
        <Link href="/queue" className="button primary">
          Queue a run
        </Link>
      </div>
      <RunsTable
        initialFilters={{ ...(group ? { groupId: group } : {}), ...(tag ? { tag } : {}) }}
      />
    </>
  );
}
