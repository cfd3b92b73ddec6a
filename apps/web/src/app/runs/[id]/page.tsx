import { RunDetail } from '~/components/run-detail/run-detail.tsx';

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RunDetail id={id} />;
}
