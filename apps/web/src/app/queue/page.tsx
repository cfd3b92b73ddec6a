import { QueueForms } from '~/components/queue-form.tsx';

export default function QueuePage() {
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Queue a run</h1>
          <p>Pick a preset and override what you like; a trainer daemon picks the run up.</p>
        </div>
      </div>
      <QueueForms />
    </>
  );
}
