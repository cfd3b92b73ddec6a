/** What the run form says after a submit: the queued run's link, or why it was not queued. */
import Link from 'next/link';
import type { ExtraSettings, FieldErrors } from './form-values.ts';

/** The form was prefilled from a run: which, and the settings kept that have no input here. */
export function ClonedNotice(props: { from: { id: string; name: string }; extra: ExtraSettings }) {
  const kept = Object.entries(props.extra).map(
    ([key, value]) => `${key}=${value === null ? 'null' : String(value)}`,
  );
  return (
    <div className="notice info" role="status" data-testid="cloned-notice">
      Cloned from <Link href={`/runs/${props.from.id}`}>{props.from.name}</Link>: edit what you
      like, then queue it.
      {kept.length > 0 && (
        <p className="small">
          Also kept from that run (no input here): <span className="mono">{kept.join(', ')}</span>
        </p>
      )}
    </div>
  );
}

export function QueuedNotice({ id }: { id: string }) {
  return (
    <div className="notice success" role="status" data-testid="queued-notice">
      Queued run{' '}
      <Link href={`/runs/${id}`} className="mono">
        {id}
      </Link>
      . <Link href="/">Watch it on the leaderboard</Link>.
    </div>
  );
}

/** The failure: "fix the fields" when errors sit beside fields, plus any error no field shows. */
export function NotQueuedNotice(props: {
  message: string;
  errors: FieldErrors;
  unplacedErrors: [string, string][];
}) {
  return (
    <div className="notice error" role="alert">
      <strong>The run was not queued.</strong>
      <p>
        {Object.keys(props.errors).length > 0 ? 'Fix the fields marked below.' : props.message}
        {props.unplacedErrors.map(([field, message]) => (
          <span key={field}>
            {' '}
            {field}: {message}
          </span>
        ))}
      </p>
    </div>
  );
}
