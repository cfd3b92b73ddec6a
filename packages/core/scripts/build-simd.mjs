#!/usr/bin/env node
// Compiles the AssemblyScript SIMD kernels (simd/*.ts) twice: simd/build/kernels.wasm with plain
// WebAssembly SIMD, and simd/build/kernels-relaxed.wasm whose multiply-adds (simd/madd.ts) are relaxed
// SIMD fused multiply-adds, for engines that have them. Run by the root postinstall;
// `npm run build:simd -w @convlab/core` rebuilds by hand. Skips the compile when both outputs are newer
// than every source and this script.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const simdDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'simd');
const outputs = {
  plain: path.join(simdDir, 'build', 'kernels.wasm'),
  relaxed: path.join(simdDir, 'build', 'kernels-relaxed.wasm'),
};
const sources = readdirSync(simdDir).filter((f) => f.endsWith('.ts'));

const newestInput = Math.max(
  statSync(fileURLToPath(import.meta.url)).mtimeMs,
  ...sources.map((f) => statSync(path.join(simdDir, f)).mtimeMs),
);
const fresh = Object.values(outputs).every(
  (f) => existsSync(f) && statSync(f).mtimeMs >= newestInput,
);
if (fresh && !process.argv.includes('--force')) process.exit(0);
mkdirSync(path.join(simdDir, 'build'), { recursive: true });

const RELAXED_MADD = `// Written by scripts/build-simd.mjs for kernels-relaxed.wasm: one fused multiply-add.
export function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.relaxed_madd(a, b, c);
}
`;

await compile(simdDir, outputs.plain, 'simd');
const relaxedDir = mkdtempSync(path.join(os.tmpdir(), 'convlab-simd-'));
try {
  for (const file of sources) cpSync(path.join(simdDir, file), path.join(relaxedDir, file));
  writeFileSync(path.join(relaxedDir, 'madd.ts'), RELAXED_MADD);
  await compile(relaxedDir, outputs.relaxed, 'simd,relaxed-simd');
} finally {
  rmSync(relaxedDir, { recursive: true, force: true });
}

async function compile(dir, output, features) {
  const { error, stderr } = await asc.main([
    path.join(dir, 'index.ts'),
    '--outFile',
    output,
    '-O3',
    '--enable',
    features,
    // The kernels run on the tfjs wasm backend's heap: import its memory, never allocate, never abort.
    '--importMemory',
    '--runtime',
    'stub',
    '--noAssert',
    '--use',
    'abort=',
    // AS112 warns that madd.ts exports a v128 function; only index.ts's exports reach JavaScript.
    '--disableWarning',
    '112',
  ]);
  if (error) {
    console.error(stderr.toString());
    console.error(`build-simd: ${error.message}`);
    process.exit(1);
  }
  assertPureKernels(readFileSync(output));
  console.log(`build-simd: wrote ${path.relative(process.cwd(), output)}`);
}

/**
 * The kernels share the backend's heap, so the module must never write memory it was not handed: a data
 * segment (section 11) would be copied into the heap at instantiation, and a global (section 6) means
 * the AssemblyScript runtime's allocator is in (an object or array allocated in a kernel), which bumps
 * from address 0 of the heap. Walk the module's sections and refuse both.
 */
function assertPureKernels(bytes) {
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
    if (id === 11 || id === 6) {
      const what = id === 11 ? 'a data section (static data)' : 'globals (an allocation)';
      console.error(`build-simd: the module has ${what}; kernels must not use either`);
      process.exit(1);
    }
    offset += size;
  }
}
