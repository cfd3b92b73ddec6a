/**
 * Where folder datasets may live. A `folder:<path>` dataset must resolve — symlinks followed, `..`
 * collapsed — to a folder inside one of the dataset roots (CONVLAB_DATASET_ROOTS, default the data
 * dir); a relative path is taken relative to the first root. Inside a dataset, symlinked class folders
 * and files are ignored by the loader. Errors name the problem, never a server path.
 */
import { realpath, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export class DatasetLocationError extends Error {
  override name = 'DatasetLocationError';
}

const FOLDER_PREFIX = 'folder:';

function isInside(child: string, parent: string): boolean {
  return (
    child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep)
  );
}

async function realRoots(roots: string[]): Promise<string[]> {
  const resolved = await Promise.all(roots.map((root) => realpath(root).catch(() => null)));
  return resolved.filter((root): root is string => root !== null);
}

/** The real path of folder dataset `name` (`folder:<path>`), checked to lie inside one of `roots`. */
export async function resolveFolderDataset(name: string, roots: string[]): Promise<string> {
  if (!name.startsWith(FOLDER_PREFIX)) throw new DatasetLocationError('not a folder dataset');
  const typed = name.slice(FOLDER_PREFIX.length);
  if (typed.length === 0 || typed.includes('\0'))
    throw new DatasetLocationError('a folder dataset is written folder:<path>');
  const allowed = await realRoots(roots);
  if (allowed.length === 0) {
    throw new DatasetLocationError(
      'folder datasets must be inside a dataset root, and none exists on the server (CONVLAB_DATASET_ROOTS; default: the data dir)',
    );
  }
  const candidate = path.isAbsolute(typed) ? typed : path.resolve(allowed[0]!, typed);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new DatasetLocationError(
      'the folder does not exist (relative paths start at the data dir)',
    );
  }
  if (!allowed.some((root) => isInside(real, root))) {
    throw new DatasetLocationError(
      'folder datasets must be inside a dataset root (CONVLAB_DATASET_ROOTS; default: the data dir)',
    );
  }
  if (!(await stat(real)).isDirectory()) throw new DatasetLocationError('the path is not a folder');
  return real;
}

async function classFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name);
}

/**
 * Queue-time check of a folder dataset: inside a root, and with at least 2 class folders (in the
 * folder itself, or in its train/ part when it has train/ and test/). Returns the class names.
 */
export async function checkFolderDataset(name: string, roots: string[]): Promise<string[]> {
  const root = await resolveFolderDataset(name, roots);
  const top = await classFolders(root);
  const split = top.includes('train') && top.includes('test');
  const classes = split ? await classFolders(path.join(root, 'train')) : top;
  if (classes.length < 2) {
    throw new DatasetLocationError(
      `the folder needs at least 2 class folders (<class>/*.png${split ? ' under train/' : ''}), found ${classes.length}`,
    );
  }
  return classes.sort();
}
