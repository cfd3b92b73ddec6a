'use client';
/** Loading, error and empty states that say what to do next. */
import { TRPCClientError } from '@trpc/client';
import Link from 'next/link';
import type { ReactNode } from 'react';

export function Loading({ what }: { what: string }) {
  return (
    <div className="loading" role="status">
      Loading {what}…
    </div>
  );
}

function errorCode(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (data && typeof data === 'object' && 'code' in data) return String(data.code);
  }
  return undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function QueryError({
  error,
  what,
  onRetry,
}: {
  error: unknown;
  what: string;
  onRetry?: () => void;
}) {
  const code = errorCode(error);
  if (code === 'UNAUTHORIZED') {
    return (
      <div className="notice warn" role="alert">
        <strong>Sign in to see {what}.</strong>
        <p>
          This dashboard is reachable from the network and needs its access token.{' '}
          <Link href="/login">Sign in</Link>.
        </p>
      </div>
    );
  }
  if (code === 'NOT_FOUND') {
    return (
      <div className="notice warn" role="alert">
        <strong>Not found.</strong>
        <p>
          {errorMessage(error)}. It may have been deleted: go back to the <Link href="/">runs</Link>
          .
        </p>
      </div>
    );
  }
  return (
    <div className="notice error" role="alert">
      <strong>Could not load {what}.</strong>
      <p>
        {code === 'INTERNAL_SERVER_ERROR' || code === undefined
          ? 'The dashboard server failed or is unreachable; check its console output, then retry.'
          : errorMessage(error)}
      </p>
      {code !== 'BAD_REQUEST' && <pre className="error-text">{errorMessage(error)}</pre>}
      {onRetry && (
        <p>
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        </p>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children}
    </div>
  );
}
