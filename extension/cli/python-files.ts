/** Finds the Python files and notebooks named by command-line paths (file-system I/O, kept at the edge). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isNotebookPath } from '../notebook/notebook-file';
import { UsageError } from './args';

/** Directories that hold no project code: VCS data, caches (Jupyter's autosaved copies too), dependencies. */
const SKIPPED_DIRECTORIES = new Set(['.git', '.hg', '.svn', 'node_modules', '__pycache__', '.venv', 'venv', '.tox', '.nox', '.mypy_cache', '.ipynb_checkpoints']);

/**
 * Every path that names a file is kept as given (whatever its extension: the user asked for it);
 * directories are searched recursively for `*.py` and `*.ipynb`, skipping SKIPPED_DIRECTORIES, virtual
 * environments (a `pyvenv.cfg` inside), symbolic links and the files `select` turns down
 * (pyproject.toml's include/exclude). Sorted, without duplicates.
 */
export async function findPythonFiles(paths: readonly string[], select: (file: string) => Promise<boolean> = async () => true): Promise<string[]> {
  const found = new Set<string>();
  for (const given of paths) {
    const stat = await fs.stat(given).catch((err: unknown) => { throw new UsageError(`${given}: ${unreadablePath(err)}`); });
    if (stat.isDirectory()) {
      for (const file of await walk(given)) if (await select(file)) found.add(file);
    } else {
      found.add(given);
    }
  }
  return [...found].sort();
}

async function walk(directory: string): Promise<string[]> {
  const entries = await fs.readdir(directory, { withFileTypes: true });
  if (entries.some((entry) => entry.isFile() && entry.name === 'pyvenv.cfg')) return [];
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name)) files.push(...await walk(full));
    else if (entry.isFile() && (entry.name.endsWith('.py') || isNotebookPath(entry.name))) files.push(full);
  }
  return files;
}

/** Why `stat` failed, in words: the codes a user can act on are named, anything else keeps node's message. */
export function unreadablePath(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'ELOOP': return 'a loop of symbolic links (it never reaches a file)';
    case 'EACCES': return 'permission denied';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    default: return err instanceof Error ? err.message : String(err);
  }
}
