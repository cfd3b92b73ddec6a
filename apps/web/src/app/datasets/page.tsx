import { DatasetsView } from '~/components/datasets/datasets-view.tsx';

export default function DatasetsPage() {
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Datasets</h1>
          <p>
            What this host has: built-in datasets with their state (fetch the missing ones here),
            and your image folders.
          </p>
        </div>
      </div>
      <DatasetsView />
    </>
  );
}
