/**
 * Decoding user images safely. A PNG or JPEG header can claim any size (a 390-byte PNG can say
 * 20000×20000 and take gigabytes to decode), so the size is read from the header first and refused past
 * a pixel limit, and files past a byte limit are not read at all. Refusals are ImageRejected errors with
 * a reason a reader can be shown (no server paths).
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export interface ImageLimits {
  /** Width × height at most (default 4096 × 4096). */
  maxPixels: number;
  /** File size at most, in bytes (default 32 MiB). */
  maxBytes: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxPixels: 4096 * 4096,
  maxBytes: 32 * 1024 * 1024,
};

/** Why a file was refused: past a limit, not an image, or an image that does not decode. */
export type RejectionKind =
  'too-many-pixels' | 'file-too-large' | 'not-an-image' | 'corrupt' | 'unreadable';

export class ImageRejected extends Error {
  override name = 'ImageRejected';
  constructor(
    message: string,
    readonly kind: RejectionKind = 'corrupt',
  ) {
    super(message);
  }
}

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA bytes, row-major. */
  rgba: Uint8Array;
}

export interface ImageHeader {
  format: 'png' | 'jpeg';
  width: number;
  height: number;
}

function isPng(bytes: Uint8Array): boolean {
  return bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8;
}

const u16 = (bytes: Uint8Array, at: number) => ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
const u32 = (bytes: Uint8Array, at: number) => u16(bytes, at) * 65536 + u16(bytes, at + 2);

/** A JPEG's frame size, from its first start-of-frame marker (SOF0–SOF15 but DHT, JPG and DAC). */
function jpegSize(bytes: Uint8Array): { width: number; height: number } {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) throw new ImageRejected('corrupt JPEG (no frame header)');
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image / start of scan before any frame
    const length = u16(bytes, at + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) return { height: u16(bytes, at + 5), width: u16(bytes, at + 7) };
    if (length < 2) throw new ImageRejected('corrupt JPEG (bad segment length)');
    at += 2 + length;
  }
  throw new ImageRejected('corrupt JPEG (no frame header)');
}

/** Format and size from the first bytes of a file; throws ImageRejected for anything else. */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  if (isPng(bytes)) {
    // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4).
    if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR')
      throw new ImageRejected('corrupt PNG (no IHDR header)');
    return { format: 'png', width: u32(bytes, 16), height: u32(bytes, 20) };
  }
  if (isJpeg(bytes)) return { format: 'jpeg', ...jpegSize(bytes) };
  throw new ImageRejected('not a PNG or JPEG file', 'not-an-image');
}

/** Refuses a header over the limits (or of no size) with the reason. */
export function checkImageHeader(header: ImageHeader, limits: ImageLimits): void {
  const { width, height } = header;
  if (width < 1 || height < 1) throw new ImageRejected(`empty image (${width}×${height})`);
  if (width * height > limits.maxPixels) {
    throw new ImageRejected(
      `image too large: ${width}×${height} pixels, the limit is ${limits.maxPixels.toLocaleString('en-US')} pixels`,
      'too-many-pixels',
    );
  }
}

/** Refuses a file larger than the byte limit before it is read. */
export function checkImageFileSize(bytes: number, limits: ImageLimits): void {
  if (bytes > limits.maxBytes) {
    throw new ImageRejected(
      `file too large: ${bytes.toLocaleString('en-US')} bytes, the limit is ${limits.maxBytes.toLocaleString('en-US')}`,
      'file-too-large',
    );
  }
}

/**
 * Decode a PNG or JPEG after checking its size and header against `limits`. Throws ImageRejected for
 * refused and undecodable files.
 */
export function decodeImage(
  bytes: Uint8Array,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): DecodedImage {
  checkImageFileSize(bytes.length, limits);
  const header = readImageHeader(bytes);
  checkImageHeader(header, limits);
  try {
    if (header.format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, rgba: png.data };
    }
    const image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: limits.maxPixels / 1e6,
      maxMemoryUsageInMB: 512,
    });
    return { width: image.width, height: image.height, rgba: image.data };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ImageRejected(
      `cannot decode ${header.format.toUpperCase()}: ${reason.slice(0, 120)}`,
    );
  }
}

/** RGBA → RGB, compositing transparent pixels over white. */
export function rgbaToRgb({ width, height, rgba }: DecodedImage): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const alpha = (rgba[p * 4 + 3] ?? 255) / 255;
    for (let c = 0; c < 3; c++) {
      rgb[p * 3 + c] = Math.round((rgba[p * 4 + c] ?? 0) * alpha + 255 * (1 - alpha));
    }
  }
  return rgb;
}
