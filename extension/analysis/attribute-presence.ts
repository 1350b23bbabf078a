/**
 * When an object provably lacks an attribute (what `getattr(obj, 'name', default)` and `hasattr`
 * ask): the pieces that read source text. The interpreter walks the class chain.
 */
import type { Unit } from './syntax';

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

/**
 * Whether a statement may set attribute `name` on some object: `x.name = …`, `x.name: T = …`,
 * `x.name += …`, a tuple target `x.name, y = …`, or any `setattr` / `__dict__` / `__setattr__` use.
 */
export function maySetAttribute(unit: Unit, name: string): boolean {
  const text = unit.text;
  if (!/^[A-Za-z_]\w*$/.test(name)) return true;
  if (/\bsetattr\(|__dict__|__setattr__/.test(text)) return true;
  // An assignment (plain or augmented), or an annotated or tuple target: `:` / `,` then `=` on that line.
  const at = new RegExp(`\\.${name}\\b\\s*(?:(?:[-+*/@%&|^]|//|\\*\\*|<<|>>)?=(?!=)|[:,][^\\n]*?(?<![=!<>])=(?!=))`);
  return at.test(text);
}
