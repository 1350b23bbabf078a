/**
 * How messages name files: by name alone (`utils.py:5`) where no other open file has that name, else
 * by the shortest path suffix, in whole folders, that no other open file's path ends with
 * (`models/attention.py:12` beside `layers/attention.py:9`). A file whose whole path another one's
 * ends with (`utils.py` beside `src/utils.py`) keeps its whole path.
 *
 * Raw reports name files by marks (`fileMark`), resolved to labels when a report is read, so a kept
 * report is named again when a file of the same name opens or closes.
 */

/** A file's label for messages, by its path. */
export type FileLabels = (path: string) => string;

function segments(path: string): string[] {
  return path.replace(/\\/g, '/').split('/').filter((s) => s.length > 0);
}

const BASENAMES = new Map<string, string>();

/** A file's name without its folders (`train.py`): the label when no other file is known. */
export function fileName(path: string): string {
  let base = BASENAMES.get(path);
  if (base === undefined) {
    base = segments(path).pop() ?? path;
    BASENAMES.set(path, base);
  }
  return base;
}

/** Whether `path`'s last `n` segments are all of `other`'s or its last `n`. */
function endsAlike(path: readonly string[], other: readonly string[], n: number): boolean {
  if (other.length < n) return false;
  for (let i = 1; i <= n; i++) if (path[path.length - i] !== other[other.length - i]) return false;
  return true;
}

/** The labels of a set of open files (see the module comment); a path not among them is named by its name. */
export function fileLabels(paths: Iterable<string>): FileLabels {
  const byName = new Map<string, string[][]>();
  for (const path of new Set(paths)) {
    const parts = segments(path);
    const name = parts[parts.length - 1] ?? path;
    const group = byName.get(name);
    if (group) group.push(parts); else byName.set(name, [parts]);
  }
  const labels = new Map<string, string>();
  for (const group of byName.values()) {
    if (group.length < 2) continue;
    for (const parts of group) {
      let n = 2;
      while (n < parts.length && group.some((other) => other !== parts && endsAlike(parts, other, n))) n++;
      labels.set(parts.join('/'), parts.slice(-n).join('/'));
    }
  }
  if (labels.size === 0) return fileName;
  return (path) => labels.get(segments(path).join('/')) ?? fileName(path);
}

/**
 * A file named in a message, as a mark resolved to its label when the report is read
 * (`resolveLineMarks`); private-use characters that no path holds delimit it.
 */
export function fileMark(path: string): string {
  return `\uE002${path}\uE003`;
}
