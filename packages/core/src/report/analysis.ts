/**
 * The report's written analysis, generated from the stored numbers. Every sentence is chosen by
 * conditions on those numbers (a run below the overfitting threshold is never called overfit, equal
 * values are stated as a tie), and each carries the numbers it states, unrounded, so a test can check
 * them against the stored values.
 */
import { isTransferPreset } from '../contracts/run-config-schema.ts';
import type { LabReportInput, ReportRun } from './lab-report-input.ts';
import { mcnemarTest } from './mcnemar.ts';
import {
  formatList,
  formatLoss,
  formatPercent,
  formatPoints,
  formatPValue,
  formatScore,
  formatSignedPoints,
} from './report-format.ts';
import { configDifferences, runLabels, testSetGroups, type TestSetGroup } from './run-facts.ts';

/** The lab's rule: a run overfits when max train accuracy − max validation accuracy exceeds this. */
export const OVERFITTING_THRESHOLD = 0.1;
/** The significance level McNemar's p-value is compared with. */
export const SIGNIFICANCE_LEVEL = 0.05;

export type AnalysisTopic =
  | 'test-sets'
  | 'winner-test-acc'
  | 'winner-macro-f1'
  | 'significance'
  | 'overfitting'
  | 'classes'
  | 'disagreement'
  | 'transfer';

export interface AnalysisSentence {
  topic: AnalysisTopic;
  /** The runs the sentence is about. */
  runIds: string[];
  text: string;
  /** Every number the sentence states, as stored or counted (unrounded), by name. */
  numbers: Record<string, number>;
}

type Labels = Map<string, string>;

function label(labels: Labels, run: ReportRun): string {
  return labels.get(run.id) ?? run.name;
}

/** "on synthetic (200 test images)" when runs were tested on several test sets, else nothing. */
function onTestSet(group: TestSetGroup, groupCount: number): string {
  return groupCount > 1 ? ` on ${group.label}` : '';
}

function testSetsSentence(groups: TestSetGroup[], labels: Labels): AnalysisSentence[] {
  if (groups.length < 2) return [];
  const parts = groups.map(
    (group) => `${group.label}: ${formatList(group.runs.map((run) => label(labels, run)))}`,
  );
  return [
    {
      topic: 'test-sets',
      runIds: groups.flatMap((group) => group.runs.map((run) => run.id)),
      text:
        `The runs were tested on ${groups.length} different test sets (${parts.join('; ')}), ` +
        'so their scores are compared, and tested for significance, only within a test set.',
      numbers: Object.fromEntries(groups.map((group, i) => [`testImages${i}`, group.testImages])),
    },
  ];
}

/** Which run scored highest on one metric, by how much, or which runs tie. */
function winnerSentence(
  group: TestSetGroup,
  groupCount: number,
  labels: Labels,
  metric: { topic: AnalysisTopic; name: string; key: string; of: (run: ReportRun) => number },
  format: (value: number) => string,
  formatDifference: (difference: number) => string,
): AnalysisSentence {
  const where = onTestSet(group, groupCount);
  const ranked = [...group.runs].sort((a, b) => metric.of(b) - metric.of(a));
  const top = ranked[0] as ReportRun;
  const best = metric.of(top);
  if (ranked.length === 1)
    return {
      topic: metric.topic,
      runIds: [top.id],
      text: `${label(labels, top)} is the only run${where}: ${metric.name} ${format(best)}.`,
      numbers: { [metric.key]: best },
    };
  const tied = ranked.filter((run) => metric.of(run) === best);
  if (tied.length > 1)
    return {
      topic: metric.topic,
      runIds: tied.map((run) => run.id),
      text: `${formatList(tied.map((run) => label(labels, run)))} tie on ${metric.name}${where} at ${format(best)}.`,
      numbers: { [metric.key]: best },
    };
  const runnerUp = ranked[1] as ReportRun;
  const second = metric.of(runnerUp);
  return {
    topic: metric.topic,
    runIds: [top.id, runnerUp.id],
    text:
      `${label(labels, top)} won on ${metric.name}${where} with ${format(best)}, ` +
      `${formatDifference(best - second)} ahead of ${label(labels, runnerUp)} (${format(second)}).`,
    numbers: { [metric.key]: best, runnerUp: second, difference: best - second },
  };
}

/** McNemar's exact test of the test-accuracy winner against each other run on the same test set. */
function significanceSentences(
  group: TestSetGroup,
  groupCount: number,
  labels: Labels,
): AnalysisSentence[] {
  if (group.runs.length < 2) return [];
  const where = onTestSet(group, groupCount);
  const ranked = [...group.runs].sort((a, b) => b.report.testAcc - a.report.testAcc);
  const top = ranked[0] as ReportRun;
  return ranked.slice(1).map((other) => {
    const test = mcnemarTest(top.predictions, other.predictions, top.testLabels);
    const [a, b] = [label(labels, top), label(labels, other)];
    const numbers = { b: test.b, c: test.c, n: test.n, pValue: test.pValue };
    const counts =
      `McNemar's exact test${where}: ${a} right where ${b} was wrong on ${test.b} of ${test.n} ` +
      `test images, the reverse on ${test.c}; p = ${formatPValue(test.pValue)}`;
    let text: string;
    if (test.b + test.c === 0)
      text = `${a} and ${b} are right on exactly the same test images${where}, so McNemar's test finds no difference (p = 1).`;
    else if (test.pValue < SIGNIFICANCE_LEVEL)
      text = `The difference between ${a} and ${b} is statistically significant (${counts} < ${SIGNIFICANCE_LEVEL}).`;
    else
      text = `The difference between ${a} and ${b} is not statistically significant (${counts} ≥ ${SIGNIFICANCE_LEVEL}): this test set cannot tell them apart.`;
    return { topic: 'significance', runIds: [top.id, other.id], text, numbers };
  });
}

/** The first epoch of the lowest validation loss, and whether a later epoch's loss was higher. */
export function validationLossTurn(
  run: ReportRun,
): { lowestEpoch: number; lowestLoss: number; roseFromEpoch: number | null } | null {
  if (run.epochs.length === 0) return null;
  let lowest = run.epochs[0] as ReportRun['epochs'][number];
  for (const epoch of run.epochs) if (epoch.valLoss < lowest.valLoss) lowest = epoch;
  // The first later epoch above the low (a later epoch equal to it is not a rise).
  const after = run.epochs.find(
    (epoch) => epoch.epoch > lowest.epoch && epoch.valLoss > lowest.valLoss,
  );
  return {
    lowestEpoch: lowest.epoch,
    lowestLoss: lowest.valLoss,
    roseFromEpoch: after ? after.epoch : null,
  };
}

function overfittingSentence(run: ReportRun, labels: Labels): AnalysisSentence {
  const name = label(labels, run);
  const gap = run.report.overfittingGap;
  const overfit = gap > OVERFITTING_THRESHOLD;
  const maxTrain = Math.max(...run.epochs.map((epoch) => epoch.acc));
  const maxVal = Math.max(...run.epochs.map((epoch) => epoch.valAcc));
  const turn = validationLossTurn(run);
  const numbers: Record<string, number> = { overfittingGap: gap, threshold: OVERFITTING_THRESHOLD };
  const rule = `max train accuracy − max validation accuracy = ${formatSignedPoints(gap)}, ${overfit ? 'above' : 'not above'} the ${formatPoints(OVERFITTING_THRESHOLD)} threshold`;
  let accuracies = '';
  if (turn) {
    numbers.maxTrainAcc = maxTrain;
    numbers.maxValAcc = maxVal;
    accuracies = ` (best training accuracy ${formatPercent(maxTrain)}, best validation accuracy ${formatPercent(maxVal)})`;
  }
  let loss = '';
  if (turn) {
    numbers.lowestValLossEpoch = turn.lowestEpoch;
    numbers.lowestValLoss = turn.lowestLoss;
    if (turn.roseFromEpoch !== null) {
      numbers.valLossRoseFromEpoch = turn.roseFromEpoch;
      loss = `; validation loss was lowest at epoch ${turn.lowestEpoch} (${formatLoss(turn.lowestLoss)}) and rose from epoch ${turn.roseFromEpoch} on, never below that again`;
    } else {
      loss = `; validation loss fell to its lowest (${formatLoss(turn.lowestLoss)}) at its last epoch, ${turn.lowestEpoch}`;
    }
  }
  const verdict = overfit ? 'overfit by the lab’s rule' : 'did not overfit by the lab’s rule';
  return {
    topic: 'overfitting',
    runIds: [run.id],
    text: `${name} ${verdict}: ${rule}${accuracies}${loss}.`,
    numbers,
  };
}

function classesSentence(run: ReportRun, labels: Labels): AnalysisSentence {
  const scores = run.report.perClass;
  const f1s = scores.map((score) => score.f1);
  const best = Math.max(...f1s);
  const worst = Math.min(...f1s);
  const named = (value: number) =>
    formatList(scores.filter((score) => score.f1 === value).map((score) => score.label));
  const plural = (value: number) => scores.filter((score) => score.f1 === value).length > 1;
  const name = label(labels, run);
  const text =
    best === worst
      ? `${name} scores every class alike (F1 ${formatScore(best)}).`
      : `${name}'s best ${plural(best) ? 'classes are' : 'class is'} ${named(best)} (F1 ${formatScore(best)}); ` +
        `its worst ${plural(worst) ? 'classes are' : 'is'} ${named(worst)} (F1 ${formatScore(worst)}).`;
  return { topic: 'classes', runIds: [run.id], text, numbers: { bestF1: best, worstF1: worst } };
}

/** The classes whose recall differs most between the runs of one test set, and how many images they split on. */
function disagreementSentence(
  group: TestSetGroup,
  groupCount: number,
  labels: Labels,
): AnalysisSentence | null {
  if (group.runs.length < 2) return null;
  const first = group.runs[0] as ReportRun;
  const where = onTestSet(group, groupCount);
  const spreads = first.report.classNames.map((className, index) => {
    const recalls = group.runs.map((run) => ({
      run,
      recall: run.report.perClass[index]?.recall ?? 0,
    }));
    const low = recalls.reduce((a, b) => (b.recall < a.recall ? b : a));
    const high = recalls.reduce((a, b) => (b.recall > a.recall ? b : a));
    return { className, low, high, spread: high.recall - low.recall };
  });
  const top = spreads
    .filter((entry) => entry.spread > 0)
    .sort((a, b) => b.spread - a.spread)
    .slice(0, 3);
  let split = 0;
  for (let i = 0; i < first.testLabels.length; i += 1)
    if (new Set(group.runs.map((run) => run.predictions[i])).size > 1) split += 1;
  const share = first.testLabels.length > 0 ? split / first.testLabels.length : 0;
  const numbers: Record<string, number> = { imagesPredictedDifferently: split, share };
  const images = `they predict different classes for ${split} of ${first.testLabels.length} test images (${formatPercent(share)})`;
  if (top.length === 0)
    return {
      topic: 'disagreement',
      runIds: group.runs.map((run) => run.id),
      text: `The runs${where} have the same recall on every class; ${images}.`,
      numbers,
    };
  top.forEach((entry, i) => {
    numbers[`lowRecall${i}`] = entry.low.recall;
    numbers[`highRecall${i}`] = entry.high.recall;
  });
  const parts = top.map(
    (entry) =>
      `${entry.className} (recall ${formatPercent(entry.low.recall)} for ${label(labels, entry.low.run)}, ` +
      `${formatPercent(entry.high.recall)} for ${label(labels, entry.high.run)})`,
  );
  return {
    topic: 'disagreement',
    runIds: group.runs.map((run) => run.id),
    text: `The runs${where} disagree most on ${formatList(parts)}; ${images}.`,
    numbers,
  };
}

/** Config fields a transfer/scratch comparison names, beside the preset that differs by definition. */
const IGNORED_DIFFERENCES = new Set(['preset', 'presetVersion']);

function transferSentences(groups: TestSetGroup[], labels: Labels): AnalysisSentence[] {
  const sentences: AnalysisSentence[] = [];
  for (const group of groups) {
    const transfer = group.runs.filter((run) => isTransferPreset(run.config.preset));
    const scratch = group.runs.filter((run) => !isTransferPreset(run.config.preset));
    if (transfer.length === 0 || scratch.length === 0) continue;
    const bestOf = (runs: ReportRun[]) =>
      runs.reduce((a, b) => (b.report.testAcc > a.report.testAcc ? b : a));
    const t = bestOf(transfer);
    const s = bestOf(scratch);
    const difference = t.report.testAcc - s.report.testAcc;
    const where = onTestSet(group, groups.length);
    const outcome =
      difference > 0
        ? `Transfer learning beat training from scratch${where}`
        : difference < 0
          ? `Transfer learning did not beat training from scratch${where}`
          : `Transfer learning and training from scratch tie${where}`;
    const margin =
      difference === 0
        ? 'the same accuracy'
        : `${formatPoints(difference)} ${difference > 0 ? 'more' : 'less'}`;
    const differences = configDifferences([t, s])
      .filter((entry) => !IGNORED_DIFFERENCES.has(entry.field))
      .slice(0, 6)
      .map((entry) => `${entry.field} ${entry.values[0]} vs ${entry.values[1]}`);
    const configs =
      differences.length > 0
        ? ` Besides the preset, their configs differ in ${formatList(differences)}.`
        : ' Their configs differ only in the preset.';
    sentences.push({
      topic: 'transfer',
      runIds: [t.id, s.id],
      text:
        `${outcome}: the best transfer run, ${label(labels, t)} (${t.config.preset}), reached ` +
        `${formatPercent(t.report.testAcc)} test accuracy against ${formatPercent(s.report.testAcc)} for the best ` +
        `from-scratch run, ${label(labels, s)} (${s.config.preset}): ${margin}.${configs}`,
      numbers: {
        transferTestAcc: t.report.testAcc,
        scratchTestAcc: s.report.testAcc,
        difference,
      },
    });
  }
  if (sentences.length > 0) return sentences;
  const allTransfer = groups.every((g) =>
    g.runs.every((run) => isTransferPreset(run.config.preset)),
  );
  const allScratch = groups.every((g) =>
    g.runs.every((run) => !isTransferPreset(run.config.preset)),
  );
  const why = allTransfer
    ? 'every run uses transfer learning'
    : allScratch
      ? 'every run trains from scratch'
      : 'no test set has both a transfer-learning run and a run trained from scratch';
  return [
    {
      topic: 'transfer',
      runIds: [],
      text: `Whether transfer learning beats training from scratch is not answered here: ${why}.`,
      numbers: {},
    },
  ];
}

/** The written analysis of a report's runs, in reading order. */
export function analyseRuns(input: LabReportInput): AnalysisSentence[] {
  const labels = runLabels(input.runs);
  const groups = testSetGroups(input.runs);
  const sentences: AnalysisSentence[] = [...testSetsSentence(groups, labels)];
  for (const group of groups) {
    sentences.push(
      winnerSentence(
        group,
        groups.length,
        labels,
        {
          topic: 'winner-test-acc',
          name: 'test accuracy',
          key: 'testAcc',
          of: (run) => run.report.testAcc,
        },
        formatPercent,
        formatPoints,
      ),
      winnerSentence(
        group,
        groups.length,
        labels,
        {
          topic: 'winner-macro-f1',
          name: 'macro F1',
          key: 'macroF1',
          of: (run) => run.report.macroAvg.f1,
        },
        formatScore,
        (difference) => formatScore(Math.abs(difference)),
      ),
      ...significanceSentences(group, groups.length, labels),
    );
  }
  for (const run of input.runs) sentences.push(overfittingSentence(run, labels));
  for (const run of input.runs) sentences.push(classesSentence(run, labels));
  for (const group of groups) {
    const sentence = disagreementSentence(group, groups.length, labels);
    if (sentence) sentences.push(sentence);
  }
  sentences.push(...transferSentences(groups, labels));
  return sentences;
}
