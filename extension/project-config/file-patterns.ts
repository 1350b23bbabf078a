/**
 * `include` / `exclude` globs of `[tool.attnlens]`, relative to the pyproject.toml's folder: `*`
 * matches within one path segment, `**` any number of segments, `?` one character. A pattern that
 * matches a folder matches everything in it (`exclude = ["tests"]`).
 */
import * as path from 'node:path';
import type { ProjectConfig } from './project-config';

function globRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (glob.startsWith('**/', i)) { out += '(?:.*/)?'; i += 2; }
    else if (glob.startsWith('**', i)) { out += '.*'; i += 1; }
    else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out.replace(/\/$/, '')}$`);
}

function matches(relative: string, globs: readonly string[]): boolean {
  const segments = relative.split('/');
  const prefixes = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  return globs.some((glob) => {
    const re = globRegExp(glob.replace(/^\.\//, ''));
    return prefixes.some((prefix) => re.test(prefix));
  });
}

/** Whether a file a directory walk found is one to read under `config`. */
export function selectedByConfig(file: string, config: ProjectConfig | undefined): boolean {
  if (config === undefined) return true;
  const relative = path.relative(path.dirname(config.file), path.resolve(file)).split(path.sep).join('/');
  if (config.exclude !== undefined && matches(relative, config.exclude)) return false;
  return config.include === undefined || matches(relative, config.include);
}
