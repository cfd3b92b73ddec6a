// @convlab/core/report: the lab report (pure: stored numbers in, HTML or Markdown out).
export {
  labReportInputSchema,
  MAX_REPORT_RUNS,
  parseLabReportInput,
  reportRunSchema,
  type LabReportInput,
  type LabReportInputDraft,
  type ReportRun,
} from './lab-report-input.ts';
export { discordantPairs, mcnemarExactPValue, mcnemarTest, type McNemarResult } from './mcnemar.ts';
export {
  analyseRuns,
  OVERFITTING_THRESHOLD,
  SIGNIFICANCE_LEVEL,
  validationLossTurn,
  type AnalysisSentence,
  type AnalysisTopic,
} from './analysis.ts';
export {
  formatLoss,
  formatPercent,
  formatPoints,
  formatPValue,
  formatScore,
  formatSignedPoints,
} from './report-format.ts';
export {
  configDifferences,
  datasetFacts,
  mostConfusedPairs,
  testSetGroups,
  validationCountFor,
  type DatasetFacts,
  type TestSetGroup,
} from './run-facts.ts';
export { HEADLESS_CHROMIUM_FLAGS } from './headless-chromium.ts';
export { renderHtmlReport } from './html-report.ts';
export {
  MARKDOWN_ASSETS_DIR,
  renderMarkdownReport,
  type MarkdownAsset,
  type MarkdownReport,
} from './markdown-report.ts';
