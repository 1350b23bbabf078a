/**
 * Names that code outside their definition rebinds, for readers elsewhere: a module global a function
 * declares `global` and assigns (`_flash_fn, _varlen_fn = _lazy_imports(impl)`), an attribute a method
 * other than the constructor sets (`def set_backend(self): self.attn_fn = partial(…)`). What each was
 * bound to, joined over every binding, and the statements that bound it (a read depends on them).
 */
import { join, type Value } from '../values/values';

interface Bound { readonly value: Value; readonly units: ReadonlySet<object> }

/** One binding: `scope` is the module path for a global, the class id for an attribute; `unit` the binding statement's. */
export interface Rebinding { readonly scope: string; readonly name: string; readonly value: Value; readonly unit: object | undefined }

export class Rebindings {
  /** By scope, then name: every read looks a name up, and a key made of both would be a new string to hash each time. */
  private readonly bound = new Map<string, Map<string, Bound>>();

  bind({ scope, name, value, unit }: Rebinding): void {
    let names = this.bound.get(scope);
    if (!names) this.bound.set(scope, names = new Map());
    const before = names.get(name);
    names.set(name, { value: before ? join(before.value, value) : value, units: new Set([...before?.units ?? [], ...unit ? [unit] : []]) });
  }

  /**
   * The name as code may have rebound it: what was bound, joined with its `initial` value unless that
   * is None (`_flash_fn = None`, `self.attn_fn = None` until something binds it; calling None would
   * raise). `touch` records a dependence on each binding statement.
   */
  read(scope: string, name: string, initial: Value | undefined, touch: (unit: object) => void): Value | undefined {
    const bound = this.bound.get(scope)?.get(name);
    if (!bound) return initial;
    bound.units.forEach(touch);
    return initial && initial.t !== 'none' ? join(initial, bound.value) : bound.value;
  }
}
