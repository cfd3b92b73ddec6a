'use client';
import { ComparePicker } from './compare-picker.tsx';
import { Comparison } from './comparison.tsx';

export function CompareView({ ids }: { ids: string[] }) {
  if (ids.length < 2) return <ComparePicker />;
  return <Comparison ids={ids.slice(0, 4)} />;
}
