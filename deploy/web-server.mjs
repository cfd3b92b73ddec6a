// The web image's entry point. Next.js's standalone server listens on HOSTNAME; convlab's setting is
// HOST (checked against CONVLAB_TOKEN when the server starts), so the one follows the other.
// An empty HOST means unset, as the dashboard's env.ts reads it (loopback); Next alone would take an
// empty HOSTNAME for every interface, where a token is required.
process.env.HOSTNAME = process.env.HOST?.trim() || '127.0.0.1';
await import('./apps/web/server.js');
