/**
 * The ProjectConfig that applies to a file: the nearest pyproject.toml above it that has a
 * `[tool.attnlens]` table (a sub-package's pyproject.toml without one does not hide the project's).
 * Files are read once per folder and run.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseProjectConfig, type ProjectConfig } from './project-config';

export class ProjectConfigFinder {
  private readonly byFolder = new Map<string, Promise<ProjectConfig | undefined>>();

  /** The config for `file` (a path to a file); undefined when no folder above it has one. */
  forFile(file: string): Promise<ProjectConfig | undefined> {
    return this.forFolder(path.dirname(path.resolve(file)));
  }

  private forFolder(folder: string): Promise<ProjectConfig | undefined> {
    let found = this.byFolder.get(folder);
    if (found === undefined) {
      found = this.read(folder);
      this.byFolder.set(folder, found);
    }
    return found;
  }

  private async read(folder: string): Promise<ProjectConfig | undefined> {
    const file = path.join(folder, 'pyproject.toml');
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    const config = text === undefined ? undefined : parseProjectConfig(file, text);
    if (config !== undefined) return config;
    const parent = path.dirname(folder);
    return parent === folder ? undefined : this.forFolder(parent);
  }
}
