import { WorkersView } from '~/components/workers-view.tsx';

export default function WorkersPage() {
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Workers</h1>
          <p>Trainer daemons working the queue, their backend, heartbeat and current runs.</p>
        </div>
      </div>
      <WorkersView />
    </>
  );
}
