/**
 * The dashboard server's image decoding: uploads and folder test images are decoded in worker threads
 * (core's ImageDecodePool), never on the event loop, so one costly image cannot stall other requests.
 * One pool for the process; its workers start on first use and never keep the process alive.
 */
import { ImageDecodePool } from '@convlab/core';

export const decodePool = new ImageDecodePool();
