/** The run form's range hints, read from the schemas the server validates with. */
import { prioritySchema, runConfigSchema } from '@convlab/core/contracts';
import { formatBounds, numberBounds } from '~/lib/schema-bounds.ts';

/** "1–500" */
export const EPOCHS_HINT = formatBounds(numberBounds(runConfigSchema.shape.epochs));
/** "1–2048" */
export const BATCH_SIZE_HINT = formatBounds(numberBounds(runConfigSchema.shape.batchSize));
/** "higher runs first (−1000…1000)" */
export const PRIORITY_HINT = `higher runs first (${formatBounds(numberBounds(prioritySchema), '…')})`;
