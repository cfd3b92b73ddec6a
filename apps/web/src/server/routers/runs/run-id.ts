// Run ids are short and URL-safe (see @convlab/db's newRunId); anything else is refused up front.
export { runIdSchema } from '@convlab/core/contracts';
