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
  'too-many-pixels' | 'too-costly' | 'file-too-large' | 'not-an-image' | 'corrupt' | 'unreadable';

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
  /** JPEG: progressive (every scan revisits the whole frame). */
  progressive?: boolean;
  /** JPEG: scans counted (stops counting past MAX_JPEG_SCANS). */
  scans?: number;
}

/** Decodes a file's bytes within limits: decodeImage here, or a worker pool's off the event loop. */
export type ImageDecoder = (
  bytes: Uint8Array,
  limits: ImageLimits,
) => DecodedImage | Promise<DecodedImage>;

function isPng(bytes: Uint8Array): boolean {
  return bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8;
}

const u16 = (bytes: Uint8Array, at: number) => ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
const u32 = (bytes: Uint8Array, at: number) => u16(bytes, at) * 65536 + u16(bytes, at + 2);

/**
 * A JPEG's cost before decoding it: each scan is a pass over every block of the frame, and a
 * progressive file may have any number of scans (a 200 KB file with 4096² pixels and 5,000 near-empty
 * scans takes minutes to decode). So the whole marker structure is walked — entropy-coded data skipped
 * with a native byte search — counting scans, stopping as soon as there are too many.
 */
const JPEG_PROGRESSIVE_FRAMES = [0xc2, 0xc6, 0xca, 0xce];

function jpegStructure(
  bytes: Uint8Array,
  maxScans: number,
): { width: number; height: number; progressive: boolean; scans: number } {
  let frame: { width: number; height: number; progressive: boolean } | null = null;
  let scans = 0;
  let at = 2;
  while (at + 3 < bytes.length) {
    if (bytes[at] !== 0xff) throw new ImageRejected('corrupt JPEG (bad marker)');
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) break; // end of image
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2; // restart markers and TEM stand alone
      continue;
    }
    const length = u16(bytes, at + 2);
    if (length < 2) throw new ImageRejected('corrupt JPEG (bad segment length)');
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame && frame === null) {
      frame = {
        height: u16(bytes, at + 5),
        width: u16(bytes, at + 7),
        progressive: JPEG_PROGRESSIVE_FRAMES.includes(marker),
      };
    }
    if (marker === 0xda) {
      // A scan header's length follows from its component count. Decoders ignore the declared one
      // and decode right after the header: a longer length must not hide the scans that follow.
      const components = bytes[at + 4] ?? 0;
      if (length !== 6 + 2 * components) throw new ImageRejected('corrupt JPEG (bad scan header)');
    }
    at += 2 + length;
    if (marker !== 0xda) continue;
    // Start of scan: its entropy-coded data runs to the next marker that is not a stuffed 0xFF00
    // or a restart marker.
    if (frame === null) throw new ImageRejected('corrupt JPEG (no frame header)');
    scans += 1;
    if (scans > maxScans) break;
    for (;;) {
      at = bytes.indexOf(0xff, at);
      if (at < 0) {
        at = bytes.length;
        break;
      }
      const next = bytes[at + 1] ?? 0;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff)
        at += next === 0xff ? 1 : 2;
      else break;
    }
  }
  if (frame === null) throw new ImageRejected('corrupt JPEG (no frame header)');
  return { ...frame, scans };
}

/** At most this many scans in a JPEG (a progressive photo has about 10; libjpeg's own warning: 100). */
export const MAX_JPEG_SCANS = 100;
/**
 * A progressive JPEG's pixels × scans at most: every scan revisits every block of the frame, so this
 * bounds its decoding time whatever the scans hold (4096² pixels in 12 scans is the most allowed).
 */
export const MAX_PROGRESSIVE_PIXEL_SCANS = 4096 * 4096 * 12;

/** Format and size from the first bytes of a file; throws ImageRejected for anything else. */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  if (isPng(bytes)) {
    // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4).
    if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR')
      throw new ImageRejected('corrupt PNG (no IHDR header)');
    return { format: 'png', width: u32(bytes, 16), height: u32(bytes, 20) };
  }
  if (isJpeg(bytes)) return { format: 'jpeg', ...jpegStructure(bytes, MAX_JPEG_SCANS) };
  throw new ImageRejected('not a PNG or JPEG file', 'not-an-image');
}

/** Refuses a header over the limits (or of no size), or a JPEG too costly to decode, with the reason. */
export function checkImageHeader(header: ImageHeader, limits: ImageLimits): void {
  const { width, height, scans = 1 } = header;
  if (width < 1 || height < 1) throw new ImageRejected(`empty image (${width}×${height})`);
  if (width * height > limits.maxPixels) {
    throw new ImageRejected(
      `image too large: ${width}×${height} pixels, the limit is ${limits.maxPixels.toLocaleString('en-US')} pixels`,
      'too-many-pixels',
    );
  }
  if (scans > MAX_JPEG_SCANS)
    throw new ImageRejected(
      `JPEG with more than ${MAX_JPEG_SCANS} scans: too costly to decode`,
      'too-costly',
    );
  if (header.progressive && width * height * scans > MAX_PROGRESSIVE_PIXEL_SCANS)
    throw new ImageRejected(
      `progressive JPEG of ${width}×${height} pixels in ${scans} scans: too costly to decode ` +
        `(at most ${(MAX_PROGRESSIVE_PIXEL_SCANS / 1e6).toFixed(0)} million pixels × scans)`,
      'too-costly',
    );
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
