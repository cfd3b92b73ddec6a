/** Runs are waiting but no trainer is running: how to start one. */
export function NoTrainerNotice({ queuedCount }: { queuedCount: number }) {
  return (
    <div className="notice warn" role="status">
      <strong>
        {queuedCount} run{queuedCount === 1 ? ' is' : 's are'} waiting, but no trainer is running.
      </strong>
      <p>
        Start one with <code>npx convlab trainer</code> (or <code>npm start</code>, which runs the
        dashboard and a trainer together).
      </p>
    </div>
  );
}
