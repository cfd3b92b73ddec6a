import { safeNextPath } from '~/server/access.ts';

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const next = safeNextPath(params.next);
  const failed = params.error !== undefined;
  return (
    <div className="panel login">
      <h1>Sign in</h1>
      <p className="muted">
        This dashboard listens on a network address, so it asks for the access token set in{' '}
        <code>CONVLAB_TOKEN</code> where it was started. The token is kept in an HttpOnly cookie for
        30 days.
      </p>
      {failed && (
        <div className="notice error" role="alert">
          That token is not right. Check <code>CONVLAB_TOKEN</code> on the dashboard&apos;s machine.
        </div>
      )}
      <form
        action="/api/login"
        method="post"
        className="fields"
        style={{ gridTemplateColumns: '1fr' }}
      >
        <input type="hidden" name="next" value={next} />
        <div className="field">
          <label htmlFor="token">Access token</label>
          <input id="token" name="token" type="password" autoComplete="current-password" required />
        </div>
        <div className="form-actions">
          <button type="submit" className="primary">
            Sign in
          </button>
        </div>
      </form>
    </div>
  );
}
