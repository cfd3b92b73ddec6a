/**
 * Runs once when the server starts: refuse to serve (exit 1 with one line) on an invalid environment
 * (e.g. no token off loopback), or when HOST and the address the server listens on disagree.
 */
export async function register(): Promise<void> {
  // Next.js inlines NEXT_RUNTIME at build time (so the edge bundle drops the rest): it must stay a
  // literal process.env read here, not a call into env.ts.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { checkListeningHost, listeningHosts, webEnv } = await import('./env.ts');
  try {
    checkListeningHost(webEnv(), listeningHosts(process.argv));
  } catch (error) {
    console.error(`convlab dashboard: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
