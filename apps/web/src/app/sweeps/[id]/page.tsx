import { SweepDetail } from '~/components/sweeps/sweep-detail.tsx';

export default async function SweepPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <SweepDetail id={id} />;
}
