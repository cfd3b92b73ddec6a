'use client';
/** How many runs are ticked, and the button that compares them (2 to 4). */
import { useRouter } from 'next/navigation';

export function CompareSelected({ selected }: { selected: string[] }) {
  const router = useRouter();
  return (
    <div className="actions" style={{ marginLeft: 'auto' }}>
      <span className="muted small">{selected.length} selected</span>
      <button
        type="button"
        className="primary"
        disabled={selected.length < 2}
        title="Tick 2 to 4 runs to compare them"
        onClick={() => router.push(`/compare?ids=${selected.join(',')}`)}
      >
        Compare selected
      </button>
    </div>
  );
}
