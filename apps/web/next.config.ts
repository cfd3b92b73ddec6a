import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const nextConfig: NextConfig = {
  // The web container image (deploy/Dockerfile) builds with CONVLAB_NEXT_STANDALONE=1: a server with
  // only the files it uses. `npm start` keeps `next start`, which standalone output does not support.
  // The image build also skips Next's own type check: `npm run typecheck` checks the same sources.
  // eslint-disable-next-line no-restricted-properties
  ...(process.env.CONVLAB_NEXT_STANDALONE === '1'
    ? { output: 'standalone' as const, typescript: { ignoreBuildErrors: true } }
    : {}),
  outputFileTracingRoot: repoRoot,
  // Read from disk at run time by path, so file tracing cannot see them: the wasm backend's binaries
  // and convlab's SIMD kernels (the Predict panel and heatmaps run models in the server).
  outputFileTracingIncludes: {
    '/**': [
      '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
      '../../packages/core/simd/build/*.wasm',
    ],
  },
  // The workspace packages ship TypeScript source (no build step).
  transpilePackages: ['@convlab/core', '@convlab/db'],
  // Native or heavy Node-only packages are loaded with Node's require instead of being bundled.
  serverExternalPackages: [
    'better-sqlite3',
    '@prisma/client',
    '@prisma/adapter-better-sqlite3',
    '@tensorflow/tfjs',
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-node',
    '@tensorflow/tfjs-node-gpu',
    '@tensorflow/tfjs-backend-webgpu',
    'webgpu',
    'pngjs',
    'jpeg-js',
    'tar',
  ],
  poweredByHeader: false,
  // No other site may frame the dashboard (clickjacking its buttons).
  headers: () =>
    Promise.resolve([
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
        ],
      },
    ]),
  reactStrictMode: true,
};

export default nextConfig;
