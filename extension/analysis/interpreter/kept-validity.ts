/**
 * Which kept effects are still valid, answered without walking them. Effects kept for the next run
 * are indexed once, when their run ends (they do not change after it): who read each statement or
 * token, who resolved each function or class id to which definition, and who holds each effects
 * object (the reverse of `inner` and `depends`). A run then marks invalid what read a statement that
 * is gone or resolved an id otherwise, with everything that holds it: work in proportion to the
 * edit, where walking every kept entry point's effects to check them is in proportion to the workspace.
 */
import type { Effects } from './invocation-cache';

export class KeptValidity {
  private readers = new Map<object, Set<Effects>>();
  /** By the file an id names (`fn:<path>:<name>`), the effects that resolved each id to each definition. */
  private resolvedBy = new Map<string, Map<string, Map<object | null, Set<Effects>>>>();
  private parents = new WeakMap<Effects, Set<Effects>>();
  private indexed = new WeakSet<Effects>();
  private readonly invalid = new WeakSet<Effects>();
  /** Effects indexed, and how many were when the index was last built from scratch. */
  private size = 0;
  private sizeAtRebuild = 0;

  /**
   * Mark invalid what read a statement or token no longer live, or resolved an id to another
   * definition than `resolve` gives now, and everything that holds it. Statements and tokens never
   * come back once gone, so what is marked stays invalid. An id resolves otherwise only where its
   * file changed: `changedPaths` (all files when undefined).
   */
  invalidate(live: (unit: object) => boolean, resolve: (key: string) => object | null, changedPaths?: ReadonlySet<string>): void {
    const stack: Effects[] = [];
    for (const [unit, readers] of this.readers) {
      if (live(unit)) continue;
      stack.push(...readers);
      this.readers.delete(unit);
    }
    for (const [path, byKey] of this.resolvedBy) {
      if (changedPaths && !changedPaths.has(path)) continue;
      for (const [key, byDefinition] of byKey) {
        const now = resolve(key);
        for (const [definition, readers] of byDefinition) {
          if (definition === now) continue;
          stack.push(...readers);
          byDefinition.delete(definition);
        }
      }
    }
    while (stack.length > 0) {
      const e = stack.pop()!;
      if (this.invalid.has(e)) continue;
      this.invalid.add(e);
      for (const p of this.parents.get(e) ?? []) stack.push(p);
    }
  }

  /** Whether kept effects are valid; undefined for effects the index does not hold. */
  valid(effects: Effects): boolean | undefined {
    return this.indexed.has(effects) ? !this.invalid.has(effects) : undefined;
  }

  /**
   * Index what a run made and keeps (`made`: the effects of its new invocations, entry points and top
   * levels; all they reach is indexed too, what is indexed already is not walked again). Effects
   * dropped since stay indexed until the index has doubled, and it is then built again from all that
   * is kept (`kept`).
   */
  add(made: readonly Effects[], kept: () => readonly Effects[] = () => made): void {
    if (this.size > 2 * this.sizeAtRebuild + 10_000) {
      this.readers = new Map();
      this.resolvedBy = new Map();
      this.parents = new WeakMap();
      this.indexed = new WeakSet();
      this.size = 0;
      this.walk(kept());
      this.sizeAtRebuild = this.size;
      return;
    }
    this.walk(made);
  }

  private walk(roots: readonly Effects[]): void {
    const stack = roots.filter((r) => !this.indexed.has(r));
    for (const r of stack) this.indexed.add(r);
    while (stack.length > 0) {
      const e = stack.pop()!;
      this.size++;
      for (const unit of e.units) {
        let readers = this.readers.get(unit);
        if (!readers) this.readers.set(unit, readers = new Set());
        readers.add(e);
      }
      for (const [key, definition] of e.resolved) {
        const path = key.slice(key.indexOf(':') + 1, key.lastIndexOf(':'));
        let byKey = this.resolvedBy.get(path);
        if (!byKey) this.resolvedBy.set(path, byKey = new Map());
        let byDefinition = byKey.get(key);
        if (!byDefinition) byKey.set(key, byDefinition = new Map());
        let readers = byDefinition.get(definition);
        if (!readers) byDefinition.set(definition, readers = new Set());
        readers.add(e);
      }
      const held = (child: Effects): void => {
        let parents = this.parents.get(child);
        if (!parents) this.parents.set(child, parents = new Set());
        parents.add(e);
        if (!this.indexed.has(child)) { this.indexed.add(child); stack.push(child); }
      };
      for (const ev of e.events) if ('inner' in ev) held(ev.inner);
      for (const d of e.depends) held(d);
    }
  }
}
