/**
 * Another revision of this repository checked out beside it, for a before/after comparison
 * (`npm run bench -w @convlab/trainer -- --against <revision>`): a git worktree in a scratch folder whose node_modules
 * links every dependency to this checkout's (the two revisions are assumed to share them) and the
 * workspace packages to its own sources. Its SIMD kernels are built from its own sources; the
 * generated Prisma clients are copied from here.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RevisionTree {
  /** The worktree's root. */
  dir: string;
  /** As given, and the commit it names. */
  revision: string;
  commit: string;
  remove(): void;
}

function git(root: string, args: string[]): string {
  const result = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`git ${args.join(' ')}: ${result.stderr.trim().split('\n').at(-1) ?? ''}`);
  }
  return result.stdout.trim();
}

export function checkoutRevision(root: string, revision: string): RevisionTree {
  const resolved = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`], {
    cwd: root,
    encoding: 'utf8',
  });
  if (resolved.status !== 0) throw new Error(`no commit "${revision}" in this repository`);
  const commit = resolved.stdout.trim();
  const dir = mkdtempSync(path.join(tmpdir(), 'convlab-revision-'));
  git(root, ['worktree', 'add', '--detach', '--force', dir, commit]);
  const remove = () => void spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: root });
  try {
    if (!existsSync(path.join(dir, 'apps/trainer/bench/paired-cases.ts'))) {
      throw new Error(`${revision} (${commit.slice(0, 9)}) predates the bench's paired rounds`);
    }
    const modules = path.join(dir, 'node_modules');
    mkdirSync(path.join(modules, '@convlab'), { recursive: true });
    for (const entry of readdirSync(path.join(root, 'node_modules'))) {
      if (entry !== '@convlab')
        symlinkSync(path.join(root, 'node_modules', entry), path.join(modules, entry));
    }
    // npm links each workspace package into node_modules/@convlab: the same names, the revision's folders.
    const workspaces = path.join(root, 'node_modules', '@convlab');
    for (const name of readdirSync(workspaces)) {
      const folder = path.relative(root, realpathSync(path.join(workspaces, name)));
      if (existsSync(path.join(dir, folder)))
        symlinkSync(path.join(dir, folder), path.join(modules, '@convlab', name));
    }
    const generated = 'packages/db/src/generated';
    cpSync(path.join(root, generated), path.join(dir, generated), { recursive: true });
    const simd = spawnSync(process.execPath, ['packages/core/scripts/build-simd.mjs'], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (simd.status !== 0) throw new Error(`building ${revision}'s SIMD kernels: ${simd.stderr}`);
  } catch (error) {
    remove();
    throw error;
  }
  return { dir, revision, commit, remove };
}
