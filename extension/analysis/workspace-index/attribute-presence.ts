/**
 * When an object provably lacks an attribute (what `getattr(obj, 'name', default)` and `hasattr`
 * ask): the pieces that read source text. The interpreter walks the class chain.
 */
import { field, textOf, TRUNCATED, type SyntaxNode, type Unit } from '../syntax/syntax';

/** Attributes and methods every nn.Module has (underscored names are never taken as absent either). */
const MODULE_MEMBERS = new Set([
  'training', 'forward', 'parameters', 'named_parameters', 'buffers', 'named_buffers', 'children', 'named_children',
  'modules', 'named_modules', 'state_dict', 'load_state_dict', 'register_buffer', 'register_parameter', 'register_module',
  'add_module', 'apply', 'zero_grad', 'cpu', 'cuda', 'to', 'half', 'float', 'double', 'bfloat16', 'type', 'eval', 'train',
  'requires_grad_', 'get_submodule', 'get_parameter', 'get_buffer', 'extra_repr', 'register_forward_hook',
  'register_forward_pre_hook', 'register_full_backward_hook', 'register_backward_hook', 'share_memory', 'compile', 'dump_patches',
  'call_super_init', 'ipu', 'xpu', 'mtia', 'to_empty', 'set_extra_state', 'get_extra_state',
]);

/** A name an nn.Module may have without the workspace's code setting it. */
export function moduleMayHave(name: string): boolean {
  return name.startsWith('_') || MODULE_MEMBERS.has(name);
}

/** The attribute names a statement assigns (`x.name = …`, `x.name: T = …`, `x.name += …`, tuple targets). */
interface AttributeWrites {
  readonly names: ReadonlySet<string>;
  /** `setattr`, `__dict__` or `__setattr__` appear, or syntax was cut: any name may be set. */
  readonly dynamic: boolean;
}

/** Per statement, read once: statements are immutable, and an edit leaves most of a module's statements as they were. */
const WRITES = new WeakMap<Unit, AttributeWrites>();

const DYNAMIC_NAMES = new Set(['setattr', '__dict__', '__setattr__']);

function writesOf(unit: Unit): AttributeWrites {
  let writes = WRITES.get(unit);
  if (!writes) {
    const names = new Set<string>();
    let dynamic = false;
    // Every attribute inside an assignment's target counts (`a.b.c = …` counts `b` too): "may set" errs wide.
    const target = (node: SyntaxNode): void => {
      if (node.type === 'attribute') { const name = field(node, 'attribute'); if (name) names.add(textOf(name)); }
      for (const child of node.children) target(child);
    };
    const visit = (node: SyntaxNode): void => {
      if (node.type === TRUNCATED || (node.type === 'identifier' && DYNAMIC_NAMES.has(textOf(node)))) dynamic = true;
      if (node.type === 'assignment' || node.type === 'augmented_assignment') { const left = field(node, 'left'); if (left) target(left); }
      for (const child of node.children) visit(child);
    };
    visit(unit.root);
    writes = { names, dynamic };
    WRITES.set(unit, writes);
  }
  return writes;
}

/**
 * What a module's statements may set, and a token object renewed only when that changes: an
 * invocation that asked whether an attribute is absent reads the tokens, not every statement, so an
 * edit that assigns no new attribute name anywhere keeps it.
 */
export interface ModuleWrites extends AttributeWrites {
  readonly token: object;
}

/** The writes of a module's statements; `previous` (the same module's, before an edit) keeps its token when they are the same. */
export function moduleWrites(units: readonly Unit[], previous?: ModuleWrites): ModuleWrites {
  const names = new Set<string>();
  let dynamic = false;
  for (const unit of units) {
    const writes = writesOf(unit);
    dynamic ||= writes.dynamic;
    for (const name of writes.names) names.add(name);
  }
  const same = previous !== undefined && previous.dynamic === dynamic && previous.names.size === names.size && [...names].every((n) => previous.names.has(n));
  return same ? previous : { names, dynamic, token: {} };
}

/** Whether some statement of the module may set attribute `name` on some object (see AttributeWrites). */
export function maySetAttribute(writes: AttributeWrites, name: string): boolean {
  return writes.dynamic || writes.names.has(name);
}

/**
 * A module's writes, read when first asked: a fresh analysis where no `getattr` default or `hasattr`
 * asks never walks the statements for them. `previous` (the cell before an edit) lends its token
 * when the names come out the same; `renewed()` is the same statements under a new token.
 */
export class WritesCell {
  private value: ModuleWrites | undefined;
  /** The writes before the edit, where some run asked for them (their token may be in a cached invocation's reads). */
  private readonly inherited: ModuleWrites | undefined;

  constructor(private readonly units: readonly Unit[], previous?: WritesCell) {
    this.inherited = previous?.known();
  }

  get(): ModuleWrites {
    this.value ??= moduleWrites(this.units, this.inherited);
    return this.value;
  }

  /** The writes where some run asked for them, here or before the last edit; undefined where none did. */
  known(): ModuleWrites | undefined {
    return this.value ?? (this.inherited ? this.get() : undefined);
  }

  renewed(): WritesCell {
    return new WritesCell(this.units);
  }
}
