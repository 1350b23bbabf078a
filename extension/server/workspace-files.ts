/**
 * The workspace's Python files as the analysis' context: callers in files the user has not opened
 * still decide which path reaches a call. Read once at start-up; open documents take precedence.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** Folders that hold no user code (environments, caches, VCS). */
const SKIPPED = new Set(['node_modules', '__pycache__', 'site-packages', 'venv', '.venv', 'env', 'build', 'dist']);
const MAX_FILES = 2000;
const MAX_BYTES = 1_000_000;

export interface WorkspaceFiles {
  readonly texts: Map<string, string>;
  /** Set when the walk stopped early, to say so in the log. */
  readonly truncated: boolean;
}

export async function readPythonFiles(roots: readonly string[]): Promise<WorkspaceFiles> {
  const texts = new Map<string, string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const dir = pending.shift()!;
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED.has(entry.name)) pending.push(full);
      } else if (entry.isFile() && entry.name.endsWith('.py')) {
        if (texts.size >= MAX_FILES) return { texts, truncated: true };
        const stat = await fs.stat(full).catch(() => null);
        if (stat !== null && stat.size <= MAX_BYTES) texts.set(full, await fs.readFile(full, 'utf8'));
      }
    }
  }
  return { texts, truncated: false };
}
