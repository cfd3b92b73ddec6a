/**
 * The worker thread of ImageDecodePool: decodes one image at a time with decodeImage (the same checks
 * and decoders as everywhere else) and hands the pixels back without copying them.
 */
import { parentPort } from 'node:worker_threads';
import { decodeImage, ImageRejected, type ImageLimits } from './image-decode.ts';

export interface DecodeRequest {
  id: number;
  bytes: Uint8Array;
  limits: ImageLimits;
}

export type DecodeReply =
  | { id: number; ok: true; width: number; height: number; rgba: Uint8Array }
  | { id: number; ok: false; message: string; kind: ImageRejected['kind'] | null };

/** Sent once the worker has loaded: decoding time is counted from then on, not from its start-up. */
export interface ReadyMessage {
  ready: true;
}

parentPort?.on('message', ({ id, bytes, limits }: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    const image = decodeImage(bytes, limits);
    // A pooled Buffer shares its ArrayBuffer with others: copy it into one of its own to transfer it
    // (a Buffer's slice() would only be a view of the same memory).
    const whole =
      image.rgba.byteOffset === 0 && image.rgba.byteLength === image.rgba.buffer.byteLength;
    const rgba = whole ? image.rgba : new Uint8Array(image.rgba);
    reply = { id, ok: true, width: image.width, height: image.height, rgba };
    parentPort?.postMessage(reply, [rgba.buffer as ArrayBuffer]);
    return;
  } catch (error) {
    reply = {
      id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      kind: error instanceof ImageRejected ? error.kind : null,
    };
  }
  parentPort?.postMessage(reply);
});

parentPort?.postMessage({ ready: true } satisfies ReadyMessage);
