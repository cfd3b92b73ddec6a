/**
 * Hand-made progressive JPEGs for the decoder's cost limits: a valid greyscale file of any size whose
 * first scan sets every DC coefficient and whose other scans are AC scans of nothing but end-of-band
 * runs — a few bytes each, yet each one a pass over every block of the frame. Many such scans are
 * the "JPEG bomb": a small file that takes minutes to decode.
 */
class BitWriter {
  private bytes: number[] = [];
  private current = 0;
  private filled = 0;
  write(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      this.current = (this.current << 1) | ((value >> i) & 1);
      if (++this.filled === 8) this.flushByte();
    }
  }
  private flushByte(): void {
    this.bytes.push(this.current);
    if (this.current === 0xff) this.bytes.push(0x00); // byte stuffing
    this.current = 0;
    this.filled = 0;
  }
  /** Pads the last byte with 1 bits (as encoders do) and returns the entropy-coded bytes. */
  finish(): number[] {
    while (this.filled !== 0) this.write(1, 1);
    return this.bytes;
  }
}

const segment = (marker: number, body: number[]) => [
  0xff,
  marker,
  (body.length + 2) >> 8,
  (body.length + 2) & 0xff,
  ...body,
];

/** `scans` scans (≥ 1) over a mid-grey `width`×`height` frame. */
export function progressiveJpeg(width: number, height: number, scans: number): Buffer {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const dqt = segment(0xdb, [0x00, ...Array<number>(64).fill(1)]);
  const sof2 = segment(0xc2, [
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    1,
    1,
    0x11,
    0,
  ]);
  // DC: one 1-bit code, category 0 (difference 0). AC: 4-bit codes for EOB0..EOB14 (end-of-band runs).
  const dcCounts = [1, ...Array<number>(15).fill(0)];
  const acCounts = [0, 0, 0, 15, ...Array<number>(12).fill(0)];
  const acSymbols = Array.from({ length: 15 }, (_, r) => r << 4);
  const dht = [
    ...segment(0xc4, [0x00, ...dcCounts, 0x00]),
    ...segment(0xc4, [0x10, ...acCounts, ...acSymbols]),
  ];
  const sos = (ss: number, se: number) => segment(0xda, [1, 1, 0x00, ss, se, 0x00]);

  const dc = new BitWriter();
  for (let b = 0; b < blocks; b++) dc.write(0, 1);
  const ac = new BitWriter();
  for (let remaining = blocks; remaining > 0;) {
    const run = Math.min(remaining, 32767);
    const r = Math.floor(Math.log2(run));
    ac.write(r, 4); // the code of EOBr is r
    if (r > 0) ac.write(run - (1 << r), r);
    remaining -= run;
  }
  const acScan = [...sos(1, 63), ...ac.finish()];
  const parts: number[][] = [[0xff, 0xd8], dqt, sof2, dht, sos(0, 0), dc.finish()];
  for (let s = 1; s < scans; s++) parts.push(acScan);
  parts.push([0xff, 0xd9]);
  return Buffer.from(parts.flat());
}
