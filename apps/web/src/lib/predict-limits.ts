/** What the Predict panel may upload (the server checks the same; shared so both say the same thing). */
export const MAX_PREDICT_IMAGES = 8;
export const MAX_PREDICT_BYTES = 10 * 1024 * 1024;
/** All the images of one request together. */
export const MAX_PREDICT_REQUEST_BYTES = 24 * 1024 * 1024;
export const PREDICT_IMAGE_TYPES = ['image/png', 'image/jpeg'] as const;

/** Why a picked file cannot be sent, or null when it can. */
export function uploadProblem(file: { name: string; type: string; size: number }): string | null {
  const byName = /\.(png|jpe?g)$/i.test(file.name);
  if (!(PREDICT_IMAGE_TYPES as readonly string[]).includes(file.type) && !byName)
    return `${file.name}: only PNG and JPEG images can be predicted`;
  if (file.size > MAX_PREDICT_BYTES)
    return `${file.name}: ${(file.size / 1024 / 1024).toFixed(1)} MiB, the limit is ${MAX_PREDICT_BYTES / 1024 / 1024} MiB`;
  if (file.size === 0) return `${file.name}: the file is empty`;
  return null;
}
