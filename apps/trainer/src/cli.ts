/**
 * The `convlab` command line. Scripts outside the repo call these verbs and their `--json` outputs, so
 * they are a contract: queue, runs, show, cancel, retry, trainer, migrate, sweep (plus data, workers,
 * annotate, predict, report).
 */
import { debugFromEnv } from './env.ts';
import { CliError } from './cli-error.ts';
import { printable } from './text-table.ts';

// Each verb loads only what it needs: `queue` and `runs` must not pay for loading TensorFlow.js.
const COMMANDS: Record<string, () => Promise<(args: string[]) => Promise<number>>> = {
  queue: async () => (await import('./commands/queue-command.ts')).queueCommand,
  runs: async () => (await import('./commands/runs.ts')).runsCommand,
  show: async () => (await import('./commands/show.ts')).showCommand,
  cancel: async () => (await import('./commands/run-actions.ts')).cancelCommand,
  retry: async () => (await import('./commands/run-actions.ts')).retryCommand,
  trainer: async () => (await import('./commands/trainer.ts')).trainerCommand,
  workers: async () => (await import('./commands/workers-command.ts')).workersCommand,
  migrate: async () => (await import('./commands/migrate-command.ts')).migrateCommand,
  data: async () => (await import('./commands/data.ts')).dataCommand,
  sweep: async () => (await import('./commands/sweep.ts')).sweepCommand,
  annotate: async () => (await import('./commands/run-actions.ts')).annotateCommand,
  predict: async () => (await import('./commands/predict-command.ts')).predictCommand,
  report: async () => (await import('./commands/lab-report.ts')).reportCommand,
};

const USAGE = `Usage: convlab <command> [options]

Commands:
  queue --preset <name> [--dataset <name>] [--epochs N] [--batch-size N] [--seed N]
        [--learning-rate X] [--augment|--no-augment] [--fine-tune-layers N] [--fine-tune-epochs N]
        [--input-size N] [--train-limit N] [--test-limit N] [--validation-split X]
        [--early-stopping-patience N] [--dropout X] [--weights-url URL] [--workers N]
        [--priority N] [--name S] [--group ID] [--tag T]... [--note S] [--json]
                               queue a run and print its id (--group: a comparison group's id;
                               --workers: at most N data-parallel threads, default its trainer's share)
  queue depth [--json] [--sql]
                               how many runs a trainer could claim now (what a scheduler scales
                               trainers on; --sql: the query KEDA's postgresql trigger runs)
  runs [--status S] [--tag T] [--sweep ID] [--limit N] [--json|--csv]
                               list runs, newest first (CSV: the leaderboard for spreadsheets)
  show <id> [--summary] [--json]
                               one run with its epoch metrics and report (--summary: its model,
                               layer by layer, with parameter totals; --json has it as modelSummary)
  cancel <id>                  cancel a queued run, or stop a running one
  retry <id>                   queue a failed or cancelled run again
  annotate <id> [--tag T]... [--no-tags] [--note S] [--json]
                               replace a run's tags and/or note
  predict <id> <image>... [--top N] [--explain <dir> [--class <label>]...] [--json]
                               a completed run's top classes and probabilities for PNG/JPEG files
                               (--explain: Grad-CAM overlay PNGs per image, predicted class and
                               each --class, written to <dir>; --json adds where each map peaks)
  report <run id>... | --group <id> --out <file> [--format html|md|pdf] [--title S] [--force] [--json]
                               the lab report of completed runs (at most 20): analysis, curves,
                               reports, confusion matrices, model summaries, Grad-CAM examples;
                               html: one offline file; md: plus assets/ of PNG figures; pdf: Chromium
  sweep create --preset <p> [--dataset <d>] --method grid|random|asha --param <field>=<values>...
        [--trials N] [--max-epochs N] [--eta N] [--min-epochs N] [--seed N] [--max-concurrent N]
        [--name S] [run flags as for queue] [--json]
                               queue a hyperparameter sweep; params: lr=log:1e-4:1e-2,
                               dropout=uniform:0.1:0.5, batchSize=64,128, augment=true,false
  sweep show <id> [--json|--csv]
                               a sweep's trials, best first, with their params, rung and status
  sweep cancel <id> [--json]   cancel a sweep's queued trials and stop its running ones
  sweep list [--json]          sweeps, newest first
  trainer [--concurrency N] [--threads-per-run N] [--once] [--max-runs N] [--verbose] [--json-logs]
          [--backend auto|tensorflow-gpu|webgpu|tensorflow|wasm|cpu]
                               the trainer daemon (--once: work the queue until empty, then exit 0;
                               --max-runs N: claim at most N runs, finish them, exit 0;
                               --concurrency C, default 1: runs at once, each trained on
                               --threads-per-run workers, default cores / C);
                               readable lines on a terminal, JSON logs otherwise or with --json-logs
  workers [--json]             trainer daemons and their heartbeats
  migrate                      apply database migrations
  data list [--json] [--data-dir DIR]
                               the built-in datasets here: present, missing or corrupt, and why
  data fetch cifar10|mnist|fashion-mnist [--data-dir DIR]
                               download (CIFAR-10: or rebuild offline) and verify a dataset
  data import cifar10|mnist|fashion-mnist <folder|file>... [--json] [--data-dir DIR]
                               check and place a copy you already have (works offline)

Environment: DATABASE_URL (default file:./data/convlab.db under the repo), CONVLAB_DATA_DIR,
CONVLAB_RUNS_DIR, CONVLAB_MOBILENET_URL, CONVLAB_BACKEND, CONVLAB_THREADS_PER_RUN, CONVLAB_DATASET_ROOTS,
CONVLAB_WEIGHTS_ROOTS, CONVLAB_WEIGHTS_HOSTS (see the README).`;

/**
 * The usage of one verb: the blocks of USAGE's command list that start with it (a block is a line
 * indented by two spaces and the more indented lines under it).
 */
export function verbUsage(verb: string): string | null {
  const blocks: string[][] = [];
  for (const line of USAGE.split('\n')) {
    if (/^ {2}\S/.test(line)) blocks.push([line]);
    else if (/^ {3,}\S/.test(line)) blocks.at(-1)?.push(line);
  }
  const mine = blocks.filter((block) => block[0]?.trim().split(/\s+/)[0] === verb);
  if (mine.length === 0) return null;
  return [`Usage: convlab ${verb} …`, '', ...mine.flat()].join('\n');
}

/** The first line of a message, control characters escaped. */
function oneLine(message: string): string {
  return printable(message.split('\n')[0] ?? '');
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      console.log(USAGE);
      return command === undefined ? 1 : 0;
    }
    const load = COMMANDS[command];
    if (!load)
      throw new CliError(`unknown command ${JSON.stringify(command)} (see convlab --help)`);
    // Every verb takes --help: its lines of the usage, exit 0, nothing else done.
    if (args.includes('--help') || args.includes('-h')) {
      console.log(verbUsage(command) ?? USAGE);
      return 0;
    }
    return await (
      await load()
    )(args);
  } catch (error) {
    if (error instanceof CliError) {
      // Usage texts span lines; whatever a message echoes (an argument, a file name) is escaped.
      console.error(`convlab: ${error.message.split('\n').map(printable).join('\n')}`);
      return error.exitCode;
    }
    // parseArgs reports unknown or malformed options with a code; keep those to one line too.
    if (
      error instanceof Error &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`convlab: ${oneLine(error.message)}`);
      return 2;
    }
    // Anything else (a run in the wrong state, a database error) is still one line; the stack only
    // with CONVLAB_DEBUG=1.
    const message = error instanceof Error ? error.message : String(error);
    console.error(`convlab: ${oneLine(message)}`);
    if (debugFromEnv() && error instanceof Error) console.error(error.stack);
    return 1;
  }
}
