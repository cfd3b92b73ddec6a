#!/usr/bin/env node
// Compiles the AssemblyScript SIMD kernels (simd/*.ts) into simd/build/kernels.wasm. Run by the root
// postinstall; `npm run build:simd -w @convlab/core` rebuilds by hand. Skips the compile when the output
// is newer than every source.
import { mkdirSync, readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const simdDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'simd');
const output = path.join(simdDir, 'build', 'kernels.wasm');
const sources = readdirSync(simdDir).filter((f) => f.endsWith('.ts'));

const newestSource = Math.max(...sources.map((f) => statSync(path.join(simdDir, f)).mtimeMs));
const force = process.argv.includes('--force');
if (!force && existsSync(output) && statSync(output).mtimeMs >= newestSource) process.exit(0);

mkdirSync(path.dirname(output), { recursive: true });
const { error, stderr } = await asc.main([
  path.join(simdDir, 'index.ts'),
  '--outFile',
  output,
  '-O3',
  '--enable',
  'simd',
  // The kernels run on the tfjs wasm backend's heap: import its memory, never allocate, never abort.
  '--importMemory',
  '--runtime',
  'stub',
  '--noAssert',
  '--use',
  'abort=',
]);
if (error) {
  console.error(stderr.toString());
  console.error(`build-simd: ${error.message}`);
  process.exit(1);
}
assertNoDataSegments(readFileSync(output));
console.log(`build-simd: wrote ${path.relative(process.cwd(), output)}`);

/**
 * A data segment would be copied into the backend's heap when the module is instantiated, overwriting
 * whatever the backend keeps there. Walk the module's sections and refuse one (section 11, data).
 */
function assertNoDataSegments(bytes) {
  let offset = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[offset++];
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  };
  while (offset < bytes.length) {
    const id = bytes[offset++];
    const size = leb();
    if (id === 11) {
      console.error('build-simd: the module has a data section; kernels must not use static data');
      process.exit(1);
    }
    offset += size;
  }
}
