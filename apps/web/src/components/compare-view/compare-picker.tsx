'use client';
/** Fewer than two runs chosen: how to pick some, and links to compare the experiment groups. */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '~/trpc/client.tsx';
import { Empty } from '../query-state.tsx';

export function ComparePicker() {
  const trpc = useTRPC();
  const options = useQuery(trpc.runs.filterOptions.queryOptions());
  const groups = options.data?.groups ?? [];
  return (
    <div className="panel">
      <Empty title="Pick 2–4 runs to compare.">
        <p>
          On the <Link href="/">Runs</Link> page, tick the runs and press <em>Compare selected</em>.
        </p>
        {groups.length > 0 && <p>Or compare one of the lab&apos;s experiment groups:</p>}
      </Empty>
      {groups.length > 0 && <GroupLinks groups={groups.slice(0, 10)} />}
    </div>
  );
}

function GroupLinks({ groups }: { groups: { groupId: string; runs: number }[] }) {
  const trpc = useTRPC();
  return (
    <ul>
      {groups.map((group) => (
        <GroupLink key={group.groupId} groupId={group.groupId} count={group.runs} trpc={trpc} />
      ))}
    </ul>
  );
}

function GroupLink({
  groupId,
  count,
  trpc,
}: {
  groupId: string;
  count: number;
  trpc: ReturnType<typeof useTRPC>;
}) {
  const runs = useQuery(trpc.runs.list.queryOptions({ groupId, sort: 'oldest' }));
  const ids = (runs.data?.runs ?? []).slice(0, 4).map((run) => run.id);
  return (
    <li>
      {ids.length >= 2 ? <Link href={`/compare?ids=${ids.join(',')}`}>{groupId}</Link> : groupId}{' '}
      <span className="muted small">({count} runs)</span>
    </li>
  );
}
