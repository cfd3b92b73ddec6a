/**
 * The `convlab` command line. Scripts outside the repo call these verbs and their `--json` outputs, so
 * they are a contract: queue, runs, show, cancel, retry, trainer, migrate (plus data, workers).
 */
import { CliError } from './cli-error.ts';
import { cancelCommand, retryCommand } from './commands/run-actions.ts';
import { dataCommand } from './commands/data.ts';
import { migrateCommand } from './commands/migrate.ts';
import { queueCommand } from './commands/queue.ts';
import { runsCommand } from './commands/runs.ts';
import { showCommand } from './commands/show.ts';
import { trainerCommand } from './commands/trainer.ts';
import { workersCommand } from './commands/workers.ts';

const USAGE = `Usage: convlab <command> [options]

Commands:
  queue --preset <name> [--dataset <name>] [--epochs N] [--batch-size N] [--seed N]
        [--learning-rate X] [--augment|--no-augment] [--fine-tune-layers N] [--fine-tune-epochs N]
        [--input-size N] [--train-limit N] [--test-limit N] [--priority N] [--name S] [--json]
                               queue a run and print its id
  runs [--status S] [--json]   list runs, newest first
  show <id> [--json]           one run with its epoch metrics and report
  cancel <id>                  cancel a queued run, or stop a running one
  retry <id>                   queue a failed or cancelled run again
  trainer [--concurrency N] [--once] [--verbose] [--backend auto|wasm|cpu|tensorflow|tensorflow-gpu]
                               the trainer daemon (--once: work the queue until empty, then exit)
  workers [--json]             trainer daemons and their heartbeats
  migrate                      apply database migrations
  data fetch cifar10           download (or rebuild offline) and verify CIFAR-10

Environment: DATABASE_URL (default file:./data/convlab.db under the repo), CONVLAB_DATA_DIR,
CONVLAB_RUNS_DIR, CONVLAB_MOBILENET_URL, CONVLAB_BACKEND.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'queue':
        return await queueCommand(args);
      case 'runs':
        return await runsCommand(args);
      case 'show':
        return await showCommand(args);
      case 'cancel':
        return await cancelCommand(args);
      case 'retry':
        return await retryCommand(args);
      case 'trainer':
        return await trainerCommand(args);
      case 'workers':
        return await workersCommand(args);
      case 'migrate':
        return await migrateCommand(args);
      case 'data':
        return await dataCommand(args);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new CliError(`unknown command "${command}" (see convlab --help)`);
    }
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`convlab: ${error.message}`);
      return error.exitCode;
    }
    // parseArgs reports unknown or malformed options with a code; keep those to one line too.
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`convlab: ${error.message}`);
      return 2;
    }
    console.error(`convlab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}
