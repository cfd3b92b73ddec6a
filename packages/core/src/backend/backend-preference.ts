// Which backend a host asks for; zod-only so env files can validate it without loading tfjs.
import { z } from 'zod';

export const BACKEND_PREFERENCES = [
  'auto',
  'tensorflow-gpu',
  'webgpu',
  'tensorflow',
  'wasm',
  'cpu',
] as const;
export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];
export const backendPreferenceSchema = z.enum(BACKEND_PREFERENCES);
