/**
 * The workspace's Python files as the analysis' context: callers in files the user has not opened
 * still decide which path reaches a call. Read at start-up, then again as the editor reports them
 * changed on disk; open documents take precedence.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { isNotebookPath } from '../notebook/notebook-file';

/** Folders that hold no user code (environments, caches, VCS). */
const SKIPPED = new Set(['node_modules', '__pycache__', 'site-packages', 'venv', '.venv', 'env', 'build', 'dist']);
const MAX_FILES = 2000;
const MAX_BYTES = 1_000_000;

export interface WorkspaceFiles {
  readonly texts: Map<string, string>;
  /** Set when the walk stopped early, to say so in the log. */
  readonly truncated: boolean;
}

/** Whether a file is one the walk from `roots` reads: a `.py` file or a notebook under a root, outside the skipped folders. */
export function isWorkspacePython(file: string, roots: readonly string[]): boolean {
  return isPythonOrNotebook(file) && roots.some((root) => {
    const relative = path.relative(root, file);
    const dirs = relative.split(path.sep).slice(0, -1);
    return !relative.startsWith('..') && !path.isAbsolute(relative) && !dirs.some((d) => d.startsWith('.') || SKIPPED.has(d));
  });
}

/** Notebooks call workspace modules too: their calls inform the modules' annotations as a script's do. */
function isPythonOrNotebook(file: string): boolean {
  return file.endsWith('.py') || isNotebookPath(file);
}

/** A Python file's (or notebook's) text; null when it is gone, unreadable or too large to analyse. */
export async function readPythonFile(file: string): Promise<string | null> {
  const stat = await fs.stat(file).catch(() => null);
  if (stat === null || !stat.isFile() || stat.size > MAX_BYTES) return null;
  return fs.readFile(file, 'utf8').catch(() => null);
}

/** The `.py` files and notebooks under `roots` that `select` keeps ([tool.attnlens] include/exclude), up to MAX_FILES. */
export async function readPythonFiles(roots: readonly string[], select: (file: string) => boolean = () => true): Promise<WorkspaceFiles> {
  const texts = new Map<string, string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const dir = pending.shift()!;
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED.has(entry.name)) pending.push(full);
      } else if (entry.isFile() && isPythonOrNotebook(entry.name) && select(full)) {
        if (texts.size >= MAX_FILES) return { texts, truncated: true };
        const text = await readPythonFile(full);
        if (text !== null) texts.set(full, text);
      }
    }
  }
  return { texts, truncated: false };
}
