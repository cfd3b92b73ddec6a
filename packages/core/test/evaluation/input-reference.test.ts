import { describe, expect, it } from 'vitest';
import { runReportSchema, type InputReference } from '../../src/contracts/run-report.ts';
import { mulberry32 } from '../../src/data/random.ts';
import { generateSynthetic } from '../../src/data/synthetic.ts';
import type { ImageSet } from '../../src/data/types.ts';
import {
  assessInput,
  computeInputReference,
  imageStatistics,
  inputReferenceFromReportFile,
  percentiles,
} from '../../src/evaluation/input-reference.ts';

const CLASSES = 10;

/** Plausible answers of a trained model: a top probability between 0.3 and 1, the rest shared. */
function confidentProbabilities(count: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const probs = new Float32Array(count * CLASSES);
  for (let i = 0; i < count; i++) {
    const top = 0.3 + 0.7 * Math.sqrt(rng());
    probs.fill((1 - top) / (CLASSES - 1), i * CLASSES, (i + 1) * CLASSES);
    probs[i * CLASSES + (i % CLASSES)] = top;
  }
  return probs;
}

const imageOf = (set: ImageSet, i: number) => {
  const bytes = set.height * set.width * set.channels;
  return set.images.subarray(i * bytes, (i + 1) * bytes);
};
const rowOf = (probs: Float32Array, i: number) => probs.subarray(i * CLASSES, (i + 1) * CLASSES);
const inverted = (image: Uint8Array) => image.map((value) => 255 - value);

/** The same images in grey (MNIST-like datasets store one channel). */
function toGrey(set: ImageSet): ImageSet {
  const pixels = set.count * set.height * set.width;
  const images = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++)
    images[p] = Math.round(
      ((set.images[p * 3] ?? 0) + (set.images[p * 3 + 1] ?? 0) + (set.images[p * 3 + 2] ?? 0)) / 3,
    );
  return { ...set, images, channels: 1 };
}

/** The share of a set's images (and their probabilities) that assessInput flags. */
function flaggedShare(
  reference: InputReference,
  set: ImageSet,
  probs: Float32Array,
  change: (image: Uint8Array) => Uint8Array = (image) => image,
): number {
  let flagged = 0;
  for (let i = 0; i < set.count; i++)
    if (assessInput(reference, change(imageOf(set, i)), rowOf(probs, i)).flagged) flagged++;
  return flagged / set.count;
}

const test = generateSynthetic(500, 11);
const testProbs = confidentProbabilities(500, 1);
const reference = computeInputReference(test, testProbs);
// Images the reference never saw, from the same distribution (what a user would upload).
const fresh = generateSynthetic(500, 12);
const freshProbs = confidentProbabilities(500, 2);

describe('input reference', () => {
  it('rarely flags images like the test set, and flags their inverted copies', () => {
    expect(flaggedShare(reference, test, testProbs)).toBeLessThanOrEqual(0.05);
    expect(flaggedShare(reference, fresh, freshProbs)).toBeLessThanOrEqual(0.05);
    expect(flaggedShare(reference, fresh, freshProbs, inverted)).toBeGreaterThanOrEqual(0.98);
  });

  it('does the same for grey images', () => {
    const greyTest = toGrey(test);
    const greyReference = computeInputReference(greyTest, testProbs);
    expect(greyReference.channels).toBe(1);
    const greyFresh = toGrey(fresh);
    expect(flaggedShare(greyReference, greyFresh, freshProbs)).toBeLessThanOrEqual(0.05);
    expect(flaggedShare(greyReference, greyFresh, freshProbs, inverted)).toBeGreaterThanOrEqual(
      0.98,
    );
  });

  it('says why in plain words', () => {
    const image = imageOf(fresh, 3);
    const brightness = Math.round(imageStatistics(inverted(image), 3).brightness);
    const { p1, p99 } = reference.brightness;
    expect(assessInput(reference, inverted(image), rowOf(freshProbs, 3))).toEqual({
      flagged: true,
      reasons: [
        `its brightness (mean ${brightness}) is outside what the test images have ` +
          `(1st–99th percentile ${Math.round(p1)}–${Math.round(p99)})`,
      ],
    });

    // A black-and-white checkerboard: mid brightness, far more contrast than any test image.
    const checkerboard = image.map(
      (_, b) => ((Math.floor(b / 3 / 32) + Math.floor(b / 3)) % 2) * 255,
    );
    const unsure = new Float32Array(CLASSES).fill(1 / CLASSES);
    const assessed = assessInput(reference, checkerboard, unsure);
    expect(assessed.flagged).toBe(true);
    expect(assessed.reasons).toHaveLength(2);
    expect(assessed.reasons[0]).toMatch(/^its contrast \(standard deviation 128\) is outside/);
    expect(assessed.reasons[1]).toBe(
      `the model is less sure than on 99% of the test images (max probability 0.10, ` +
        `1st percentile ${reference.maxProbability.p1.toFixed(2)})`,
    );
    expect(assessInput(reference, image, rowOf(freshProbs, 3))).toEqual({
      flagged: false,
      reasons: [],
    });
  });

  it('keeps channel statistics and percentiles of the stored test images', () => {
    const set: ImageSet = {
      images: Uint8Array.from([0, 10, 120, 130]),
      labels: new Uint8Array(2),
      count: 2,
      height: 1,
      width: 2,
      channels: 1,
      numClasses: 2,
    };
    const small = computeInputReference(set, Float32Array.from([0.6, 0.4, 0.2, 0.8]));
    expect(small).toMatchObject({ imageCount: 2, height: 1, width: 2, channels: 1 });
    expect(small.channelMean).toEqual([65]);
    expect(small.channelStd[0]).toBeCloseTo(Math.sqrt(3625), 6);
    expect(small.brightness).toMatchObject({ p1: expect.closeTo(6.2, 9) as number, p50: 65 });
    expect(small.contrast).toMatchObject({ p1: 5, p99: 5 });
    expect(small.maxProbability.p1).toBeCloseTo(0.6 + 0.01 * 0.2, 6);
    expect(() => computeInputReference(set, new Float32Array(3))).toThrow(/2×2 probabilities/);
    // NumPy: np.percentile([1, 2, 3, 4, 10], [1, 5, 50, 95, 99]).
    expect(percentiles([10, 2, 4, 1, 3])).toEqual({
      p1: expect.closeTo(1.04, 9) as number,
      p5: expect.closeTo(1.2, 9) as number,
      p50: 3,
      p95: expect.closeTo(8.8, 9) as number,
      p99: expect.closeTo(9.76, 9) as number,
    });
    expect(() => assessInput(reference, new Uint8Array(10), rowOf(freshProbs, 0))).toThrow(
      /expected 32×32×3/,
    );
  });

  it('is read from report.json, and absent from older reports', () => {
    const shape = { size: 32, channels: 3 } as const;
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    expect(
      inputReferenceFromReportFile(encode({ report: { inputReference: reference } }), shape),
    ).toEqual(reference);
    expect(inputReferenceFromReportFile(encode({ report: { testAcc: 0.5 } }), shape)).toBeNull();
    expect(
      inputReferenceFromReportFile(encode({ report: { inputReference: reference } }), {
        size: 28,
        channels: 1,
      }),
    ).toBeNull();
    expect(inputReferenceFromReportFile(new TextEncoder().encode('{not json'), shape)).toBeNull();
    expect(inputReferenceFromReportFile(null, shape)).toBeNull();

    const older = {
      testLoss: 1,
      testAcc: 0.5,
      overfittingGap: 0.1,
      classNames: ['a', 'b'],
      perClass: [],
      macroAvg: { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 },
      weightedAvg: { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 },
      confusionMatrix: [
        [1, 0],
        [1, 0],
      ],
      misclassified: [],
    };
    expect(runReportSchema.parse(older).inputReference).toBeUndefined();
    expect(runReportSchema.parse({ ...older, inputReference: reference }).inputReference).toEqual(
      reference,
    );
  });
});
