/**
 * Which workspace file an `import` names, the way Python would find it among the files given.
 *
 * Every file has a dotted module name from its path relative to a root: the deepest folder common
 * to all files, moved up while it is itself a package (holds an `__init__.py`, so `models/` given
 * alone keeps its name `models`); a file under a `src/` folder below that root is named from the
 * `src/` folder (`src/pkg/model.py` → `pkg.model`). A package's `__init__.py` is the package
 * (`models/__init__.py` → `models`); a folder without one is a namespace package, whose modules are
 * named through it all the same (`layers/attention.py` → `layers.attention`).
 *
 * An absolute import (`from models.attention import Attention`) names the module with that name,
 * or the module at that path below the importing file's folder (`python scripts/train.py` puts
 * `scripts/` on sys.path); a file in a plain folder (a script) tries its folder first, a module of a
 * package the root first. When neither holds (the root the files imply is not the one the code was
 * written for), the module whose path ends so is taken, the nearest to the importing file when
 * several do (`from attention import X` in `models/blocks.py` → `models/attention.py` rather than
 * `layers/attention.py`). A relative import (`from .attention import …`, `from ..layers import
 * Block`, `from . import blocks`) names the path from the importing module's package.
 *
 * A notebook (`train.ipynb`, analysed as the module of its code cells) imports as a script in its
 * folder does; its stem keeps the `.ipynb`, so no import names it, as none can in Python.
 *
 * `from pkg import name` gives what `pkg` defines or imports as `name` (a package re-export such as
 * `from .var import VAR` in `models/__init__.py` is followed), else the submodule `pkg/name.py`.
 * A module is the value `{ t: 'ref', name: <its dotted name> }`: `import a.b.c` binds `a` (`a.b.c.X`
 * reaches the module's `X` through `member`), `import a.b as m` binds the module.
 */
import type { ModuleInfo } from '../workspace-index/module-index';
import type { Value } from '../values/values';

/** The folders of a path, and its file's stem. */
function split(path: string): { folder: string[]; stem: string } {
  const folder = path.replace(/\\/g, '/').split('/');
  const stem = (folder.pop() ?? '').replace(/\.pyi?$/, '');
  return { folder, stem };
}

/** A module's path as Python names it, folders joined by `/` (`models/attention`; `models` for `models/__init__.py`). */
function keyOf(path: string): string {
  const { folder, stem } = split(path);
  return (stem === '__init__' ? folder : [...folder, stem]).join('/');
}

function commonPrefix(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** Leading dots (the level of a relative import) and the dotted parts after them. */
function parseQualified(qualified: string): { level: number; parts: string[] } {
  const level = /^\.*/.exec(qualified)![0].length;
  return { level, parts: qualified.slice(level).split('.').filter((p) => p !== '') };
}

/** Re-exports followed before giving up (`a` re-exports from `b`, which re-exports from `c`, …). */
const MAX_HOPS = 8;

export class ModuleResolver {
  private readonly byKey = new Map<string, ModuleInfo>();
  private readonly byName = new Map<string, ModuleInfo>();
  private readonly nameOf = new Map<ModuleInfo, string>();
  /** Modules by the last part of their key, for the fallback (a path that ends as the import does). */
  private readonly byLast = new Map<string, ModuleInfo[]>();
  /** Folders (joined by `/`) that hold an `__init__.py`. */
  private readonly packages = new Set<string>();
  private readonly found = new Map<string, ModuleInfo | null>();

  constructor(modules: readonly ModuleInfo[]) {
    const sorted = [...modules].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const m of sorted) {
      const { folder, stem } = split(m.path);
      if (stem === '__init__') this.packages.add(folder.join('/'));
      const key = keyOf(m.path);
      // `pkg/__init__.py` wins over a `pkg.py` beside it, as in Python; otherwise the first path.
      if (!this.byKey.has(key) || stem === '__init__') this.byKey.set(key, m);
      const last = key.split('/').pop()!;
      const list = this.byLast.get(last);
      if (list) list.push(m); else this.byLast.set(last, [m]);
    }
    const root = this.root(sorted.map((m) => split(m.path).folder));
    for (const m of sorted) {
      const { folder, stem } = split(m.path);
      let rel = folder.slice(root.length);
      const src = rel.indexOf('src');
      if (src >= 0) rel = rel.slice(src + 1);
      const name = (stem === '__init__' ? rel : [...rel, stem]).join('.');
      this.nameOf.set(m, name);
      if (!this.byName.has(name) || stem === '__init__') this.byName.set(name, m);
    }
  }

  /** The deepest folder common to all files, above any package it is in. */
  private root(folders: readonly string[][]): string[] {
    if (folders.length === 0) return [];
    let root = folders[0]!;
    for (const f of folders) root = root.slice(0, commonPrefix(root, f));
    while (root.length > 0 && this.packages.has(root.join('/'))) root = root.slice(0, -1);
    return root;
  }

  /** A module's dotted name (`models.attention`). */
  dottedName(m: ModuleInfo): string {
    return this.nameOf.get(m) ?? keyOf(m.path).replace(/\//g, '.');
  }

  /**
   * What an import binds (the name it binds resolves to `qualified`): a workspace class or function,
   * a module (`ref` to its dotted name), or a reference to a library name as written. `module` is
   * the module a plain `import a.b.c` imports (it binds `a`).
   */
  value(from: ModuleInfo, qualified: string, module?: string, hops = 0): Value {
    if (module !== undefined) {
      const parts = module.split('.');
      const m = this.find(from, 0, parts);
      const name = m && this.dottedName(m).split('.');
      // The name bound is the first part: the module's name less its last parts (`import a.b.c` → `a`).
      if (name && name.length >= parts.length) return { t: 'ref', name: name.slice(0, name.length - parts.length + 1).join('.') };
      return { t: 'ref', name: qualified };
    }
    const { level, parts } = parseQualified(qualified);
    const last = parts[parts.length - 1];
    const pkg = last !== undefined && (level > 0 || parts.length > 1) ? this.find(from, level, parts.slice(0, -1)) : undefined;
    const member = pkg && this.memberOf(pkg, last!, hops);
    if (member) return member;
    const whole = this.find(from, level, parts);
    return whole ? { t: 'ref', name: this.dottedName(whole) } : { t: 'ref', name: qualified };
  }

  /** `X` of the workspace module named `dotted` (`blocks.Block` after `import models.blocks as blocks`); undefined when none. */
  member(dotted: string, name: string): Value | undefined {
    const m = this.byName.get(dotted);
    return m && this.memberOf(m, name, 0);
  }

  /** The workspace module with this dotted name, if any. */
  moduleNamed(dotted: string): ModuleInfo | undefined {
    return this.byName.get(dotted);
  }

  /** The workspace module whose top level an import runs (`from pkg.config import X` → pkg/config.py, or pkg/config/X.py where X is one). */
  imported(from: ModuleInfo, qualified: string, module?: string): ModuleInfo | undefined {
    const { level, parts } = parseQualified(module ?? qualified);
    return this.find(from, level, parts) ?? (module === undefined && parts.length > (level > 0 ? 0 : 1) ? this.find(from, level, parts.slice(0, -1)) : undefined);
  }

  /** What module `m` defines or imports as `name`, or its submodule `name`. */
  private memberOf(m: ModuleInfo, name: string, hops: number): Value | undefined {
    const cls = m.classes.get(name);
    if (cls) return { t: 'class', id: cls.id };
    const fn = m.functions.get(name);
    if (fn) return { t: 'fn', id: fn.id };
    const reexported = m.imports.get(name);
    if (reexported !== undefined && hops < MAX_HOPS) return this.value(m, reexported, m.dottedImports.get(name), hops + 1);
    const sub = split(m.path).stem === '__init__' ? this.byKey.get(`${keyOf(m.path)}/${name}`) : undefined;
    return sub && { t: 'ref', name: this.dottedName(sub) };
  }

  /** The module an import names: `level` dots (0 for an absolute import), then `parts`. */
  private find(from: ModuleInfo, level: number, parts: readonly string[]): ModuleInfo | undefined {
    const cacheKey = `${from.path}|${level}|${parts.join('.')}`;
    let m = this.found.get(cacheKey);
    if (m === undefined) {
      m = this.search(from, level, parts) ?? null;
      this.found.set(cacheKey, m);
    }
    return m ?? undefined;
  }

  private search(from: ModuleInfo, level: number, parts: readonly string[]): ModuleInfo | undefined {
    const folder = split(from.path).folder;
    if (level > 0) return level - 1 <= folder.length ? this.byKey.get([...folder.slice(0, folder.length - (level - 1)), ...parts].join('/')) : undefined;
    if (parts.length === 0) return undefined;
    const atRoot = this.byName.get(parts.join('.'));
    const beside = this.byKey.get([...folder, ...parts].join('/'));
    const inPackage = this.packages.has(folder.join('/'));
    const exact = inPackage ? atRoot ?? beside : beside ?? atRoot;
    if (exact) return exact;
    // The files do not say where the root is: the nearest module whose path ends as the import does.
    let best: ModuleInfo | undefined;
    let bestDistance = Infinity;
    for (const m of this.byLast.get(parts[parts.length - 1]!) ?? []) {
      const key = keyOf(m.path).split('/');
      if (key.length < parts.length || !parts.every((p, i) => key[key.length - parts.length + i] === p)) continue;
      const other = split(m.path).folder;
      const distance = folder.length + other.length - 2 * commonPrefix(folder, other);
      if (distance < bestDistance) { best = m; bestDistance = distance; }
    }
    return best;
  }
}
