// The web image's entry point. Next.js's standalone server listens on HOSTNAME; convlab's setting is
// HOST (checked against CONVLAB_TOKEN when the server starts), so the one follows the other.
process.env.HOSTNAME = process.env.HOST ?? '127.0.0.1';
await import('./apps/web/server.js');
