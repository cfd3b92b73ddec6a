import { SweepsPage } from '~/components/sweeps/sweeps-page.tsx';

export default function Sweeps() {
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Sweeps</h1>
          <p>
            Search a preset&apos;s settings: each trial is a run, compared on its best val accuracy.
          </p>
        </div>
      </div>
      <SweepsPage />
    </>
  );
}
