/**
 * The statements of the open files, kept up to date across runs: whether a statement a kept result
 * read is still there is a lookup, and bringing the set up to date costs in proportion to the files
 * whose statements changed (a set built from every file's statements on each run cost a keystroke
 * 5 % of its time on a real package).
 */
import type { RunChanges } from '../interpreter/invocation-cache';

interface Statement { readonly text: string }

export class LiveUnits {
  private readonly units = new Set<Statement>();
  /** Each file's statements as last taken in. */
  private readonly byPath = new Map<string, readonly Statement[]>();

  /**
   * Take in the files' statements now (a file whose list is the same object is unchanged); returns
   * what changed since the last time: the files with statements added or removed, and their texts.
   */
  sync(files: ReadonlyMap<string, { readonly units: readonly Statement[] }>): RunChanges {
    const paths = new Set<string>();
    const texts: string[] = [];
    const replace = (path: string, before: readonly Statement[], now: readonly Statement[]): void => {
      const inNow = new Set(now);
      const inBefore = new Set(before);
      // A statement kept from one version of a file to the next stays.
      const changed = [...before.filter((u) => !inNow.has(u)), ...now.filter((u) => !inBefore.has(u))];
      for (const u of before) if (!inNow.has(u)) this.units.delete(u);
      for (const u of now) this.units.add(u);
      if (changed.length === 0) return;
      paths.add(path);
      for (const u of changed) texts.push(u.text);
    };
    for (const [path, file] of files) {
      const before = this.byPath.get(path);
      if (before === file.units) continue;
      replace(path, before ?? [], file.units);
      this.byPath.set(path, file.units);
    }
    for (const [path, before] of this.byPath) {
      if (files.has(path)) continue;
      replace(path, before, []);
      this.byPath.delete(path);
    }
    return { paths, texts };
  }

  has(unit: object): boolean {
    return this.units.has(unit as Statement);
  }
}
