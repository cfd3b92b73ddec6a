// Type-checked ESLint for every workspace (each runs `eslint .` and finds this file).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const readEnvInEnvTs = {
  object: 'process',
  property: 'env',
  message: "Read the environment in this package's env.ts and pass values down.",
};
// On the webgpu backend a synchronous read goes through OffscreenCanvas, which Node lacks: the code
// that trains, evaluates or predicts (core, the trainer, the dashboard's server) reads tensors with
// `await data()` / `await array()` only.
const asyncReadsOnly = ['dataSync', 'arraySync', 'bufferSync'].map((property) => ({
  property,
  message: `${property}() fails on the webgpu backend under Node; await data() / array() / buffer().`,
}));

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/.next/**',
      '**/.turbo/**',
      '**/dist/**',
      '**/src/generated/**',
      '**/next-env.d.ts',
      'data/**',
      '**/*.mjs',
      '**/*.cjs',
      // AssemblyScript (packages/core/simd) has its own types and compiler.
      'packages/core/simd/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      // A package is used through its exports map (`@convlab/core/testing`, `@convlab/db/testing`, …),
      // never by a path into its folders, so what it offers stays written in one place.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+packages/',
              message:
                "Import the package by name through its exports map (e.g. '@convlab/core/testing').",
            },
          ],
        },
      ],
    },
  },
  {
    // The environment is read in one env.ts per package (validated with zod) and passed down, as in
    // create-t3-turbo. Tests and Prisma's CLI config set or read it directly.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['**/env.ts', '**/test/**', '**/e2e/**', '**/prisma.config.ts'],
    rules: {
      'no-restricted-properties': ['error', readEnvInEnvTs],
    },
  },
  {
    // Flat config replaces a rule's options per file, so this block repeats the env restriction. The
    // wasm kernels run only on the wasm backend, whose synchronous reads are plain memory reads.
    files: ['packages/core/src/**/*.ts', 'apps/trainer/src/**/*.ts', 'apps/web/src/server/**/*.ts'],
    ignores: ['**/env.ts', 'packages/core/src/backend/wasm-kernels/**'],
    rules: {
      'no-restricted-properties': ['error', readEnvInEnvTs, ...asyncReadsOnly],
    },
  },
);
