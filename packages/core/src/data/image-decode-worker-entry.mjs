// The entry of ImageDecodePool's worker threads: convlab runs TypeScript source, so tsx is registered
// in the thread before the worker module (image-decode-worker.ts) is imported.
import { register } from 'tsx/esm/api';

register();
await import('./image-decode-worker.ts');
