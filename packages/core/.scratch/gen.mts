import { generateSynthetic } from '../src/data/synthetic.ts';
for (let k = 0; k < 3; k++) { const t = performance.now(); generateSynthetic(2500, k); console.log('gen 2500', (performance.now() - t).toFixed(0), 'ms'); }
