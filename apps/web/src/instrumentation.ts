/** Runs once when the server starts: refuse to serve with an invalid environment (e.g. no token off loopback). */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { webEnv } = await import('./env.ts');
  webEnv();
}
