/**
 * Which files of a checkpoint folder on disk may be read, at import and at every later read.
 *
 * A folder's files are its regular files, plus symbolic links that resolve inside the folder or, for a
 * Hugging Face hub cache snapshot (`…/models--org--name/snapshots/<rev>/`, whose files are relative links
 * into `…/models--org--name/blobs/`), inside that same repo's `blobs/`. Any other link is refused with a
 * message naming it and its target. Reads re-check this every time (realpath inside the roots, a regular
 * file) and read the checked real path, so a file swapped for a link to /etc/passwd after import is refused.
 *
 * The walk is asynchronous and bounded (files, depth), so a wrong folder (/usr, /) fails fast with a
 * message instead of freezing the event loop.
 */
import { realpathSync, statSync } from 'node:fs';
import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ServiceError } from './errors';

/** Entries (files and folders) a checkpoint folder walk visits before giving up. */
export const MAX_CHECKPOINT_FOLDER_ENTRIES = 10_000;
/** Folder depth below the checkpoint folder a walk descends to. */
export const MAX_CHECKPOINT_FOLDER_DEPTH = 8;

export interface CheckpointFolderRoots {
  /** The folder as given (resolved), for messages. */
  folder: string;
  /** Its real path (no symbolic links). */
  real: string;
  /** Real paths reads may resolve into: the folder, and a hub cache repo's blobs/ when it is a snapshot. */
  allowed: string[];
  /** `…/models--org--name/blobs` when the folder is a hub cache snapshot. */
  hubBlobs: string | null;
}

function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** `…/models--org--name/snapshots/<rev>` → `…/models--org--name`; null for any other folder. */
function hubRepoOf(real: string): string | null {
  const snapshots = dirname(real);
  const repo = dirname(snapshots);
  const repoName = repo.split(sep).at(-1) ?? '';
  return snapshots.split(sep).at(-1) === 'snapshots' && repoName.startsWith('models--') ? repo : null;
}

function rootsFrom(folder: string, real: string, realBlobs: string | null): CheckpointFolderRoots {
  return {
    folder,
    real,
    allowed: realBlobs ? [real, realBlobs] : [real],
    hubBlobs: realBlobs,
  };
}

/** The roots of `folder` (sync: two realpath calls, cheap enough for every served request). */
export function checkpointFolderRootsSync(folder: string): CheckpointFolderRoots {
  const resolved = resolve(folder);
  const real = realpathSync(resolved);
  const repo = hubRepoOf(real);
  let blobs: string | null = null;
  if (repo) {
    try {
      blobs = realpathSync(join(repo, 'blobs'));
    } catch {
      blobs = null;
    }
  }
  return rootsFrom(resolved, real, blobs);
}

export async function checkpointFolderRoots(folder: string): Promise<CheckpointFolderRoots> {
  const resolved = resolve(folder);
  const real = await realpath(resolved);
  const repo = hubRepoOf(real);
  let blobs: string | null = null;
  if (repo) blobs = await realpath(join(repo, 'blobs')).catch(() => null);
  return rootsFrom(resolved, real, blobs);
}

function allowedWhere(roots: CheckpointFolderRoots): string {
  return roots.hubBlobs
    ? `outside the checkpoint folder and outside this hub cache's ${roots.hubBlobs}`
    : 'outside the checkpoint folder';
}

/** Why a path that resolved to `target` may not be read, or null when it may. */
function outsideMessage(shown: string, target: string, roots: CheckpointFolderRoots): string | null {
  if (roots.allowed.some((root) => isInside(target, root))) return null;
  return `${shown} is a symbolic link to ${target}, ${allowedWhere(roots)}; copy the file into the folder instead of linking it.`;
}

export interface ListedCheckpointFiles {
  /** '/'-separated names relative to the folder, sorted. */
  files: string[];
  sizeBytes: number;
}

export interface ListOptions {
  maxEntries?: number;
  maxDepth?: number;
}

/**
 * Lists the readable files of a checkpoint folder (see the module comment), asynchronously and bounded.
 * Throws a ServiceError naming the folder or the file at fault.
 */
export async function listCheckpointFolderFiles(
  folder: string,
  options: ListOptions = {},
): Promise<ListedCheckpointFiles> {
  const maxEntries = options.maxEntries ?? MAX_CHECKPOINT_FOLDER_ENTRIES;
  const maxDepth = options.maxDepth ?? MAX_CHECKPOINT_FOLDER_DEPTH;
  const roots = await checkpointFolderRoots(folder);
  const files: string[] = [];
  let sizeBytes = 0;
  let visited = 0;
  // Handled as they settle (never an unhandled rejection), reported after the walk.
  const pendingSizes: Promise<void>[] = [];
  let statError: ServiceError | undefined;
  const walk = async (dir: string, prefix: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw new ServiceError(
        'bad-request',
        `${dir}: cannot list (${errnoCode(error)}); check that the checkpoint folder and its subfolders are readable.`,
      );
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue; // .git, .cache from huggingface-cli
      if (++visited > maxEntries) {
        throw new ServiceError(
          'bad-request',
          `${roots.folder} holds more than ${maxEntries} files and folders; a checkpoint folder holds a handful ` +
            '(config.json, vocab.txt, the weights). Pick the folder that holds config.json.',
        );
      }
      const full = join(dir, entry.name);
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (depth >= maxDepth) {
          throw new ServiceError(
            'bad-request',
            `${full}: folders nest more than ${maxDepth} levels below ${roots.folder}; pick the folder that holds config.json.`,
          );
        }
        await walk(full, name, depth + 1);
      } else if (entry.isFile()) {
        files.push(name);
        pendingSizes.push(
          stat(full).then(
            (stats) => void (sizeBytes += stats.size),
            (error: unknown) =>
              void (statError ??= new ServiceError(
                'bad-request',
                `${full}: cannot read (${errnoCode(error)}).`,
              )),
          ),
        );
        // A few stats in flight at a time: fast on a big folder, never a burst of thousands.
        if (pendingSizes.length >= 32) await Promise.all(pendingSizes.splice(0));
      } else if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = await realpath(full);
        } catch (error) {
          const points = await readlink(full).catch(() => '?');
          throw new ServiceError(
            'bad-request',
            `${full} is a symbolic link to ${points}, which cannot be read (${errnoCode(error)}); an unfinished download? Download the file again.`,
          );
        }
        const refused = outsideMessage(full, target, roots);
        if (refused) throw new ServiceError('bad-request', refused);
        const stats = await stat(target);
        // Links to folders are not followed: they could loop, and hub snapshots link files only.
        if (stats.isFile()) {
          files.push(name);
          sizeBytes += stats.size;
        }
      }
    }
  };
  try {
    await walk(roots.real, '', 0);
  } finally {
    await Promise.all(pendingSizes);
  }
  if (statError) throw statError;
  files.sort();
  return { files, sizeBytes };
}

/**
 * The real path of `file` (relative, '/'-separated) in `folder`, checked against the folder's roots:
 * for reads at any time after the import. Throws a ServiceError: not-found when it is gone, forbidden
 * when it now resolves outside the folder or is not a regular file.
 */
export function resolveCheckpointFolderFile(folder: string, file: string): string {
  const full = join(resolve(folder), ...file.split('/'));
  let roots: CheckpointFolderRoots;
  let target: string;
  try {
    roots = checkpointFolderRootsSync(folder);
    target = realpathSync(full);
  } catch (error) {
    throw new ServiceError(
      'not-found',
      `${full} is gone from disk (${errnoCode(error)}); re-import the folder.`,
    );
  }
  const refused = outsideMessage(full, target, roots);
  if (refused) throw new ServiceError('forbidden', `${refused} It is not served.`);
  if (!statSync(target).isFile())
    throw new ServiceError('forbidden', `${full} is no longer a regular file; re-import the folder.`);
  return target;
}
