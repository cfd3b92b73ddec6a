import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
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
    'pngjs',
    'jpeg-js',
    'tar',
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
