/**
 * A call of a recognised attention API (attention-apis.ts): its arguments mapped to their roles,
 * recorded as an observation of the path, and the tensor it gives back.
 */
import type { ApiSpec, ArgRole } from '../values/attention-apis';
import { fileLine, type CallArg, type CallArgs, type Engine } from '../values/engine';
import { opDtype } from './op-dtypes';
import { installedOn, OPTIONAL_LIBRARIES, pathConditions, type Frame, type InstalledOnPath, type PathState } from '../values/state';
import type { SyntaxNode } from '../syntax/syntax';
import { isTensor, sameVariableIn, tensor, unknown, UNKNOWN, type Value } from '../values/values';
import { loadedForWeightsOnly } from './weight-copies';

export type Roles = Partial<Record<ArgRole, { value: Value; node: SyntaxNode | null }>>;

/** The arguments of a call by the role the API gives them. */
export function argRoles(spec: ApiSpec, args: CallArgs): Roles {
  const roles: Roles = {};
  // An argument unpacked from `*xs` / `**kw` is not written at the call: no node to point at or edit.
  const observed = (a: CallArg): { value: Value; node: SyntaxNode | null } => (a.unpacked ? { value: a.value, node: null } : a);
  spec.positional.forEach((role, i) => { if (role && args.positional[i]) roles[role] = observed(args.positional[i]); });
  for (const [name, a] of args.keywords) { const role = spec.keywords[name]; if (role) roles[role] = observed(a); }
  // Splats of unknown length or keys may carry any role not bound otherwise: unknown, never "not passed".
  const more = args.morePositional ?? args.moreKeywords;
  if (more) {
    const open = [...(args.morePositional ? spec.positional.slice(args.positional.length) : []), ...(args.moreKeywords ? Object.values(spec.keywords) : [])];
    for (const role of open) if (role) roles[role] ??= { value: more.t === 'unknown' ? more : UNKNOWN('an unpacked argument'), node: null };
  }
  return roles;
}

/**
 * The dims of q and k built from one variable bound in this frame (`q.view(B, T, …)` and
 * `k.view(B, T, …)` after `B, T, C = x.size()`, or k rebuilt by a helper from its own dims, which
 * gives back this frame's `T`: returnedFrom): equal extents, known or not. A variable bound in
 * another frame proves nothing here (that frame's result may serve other inputs: bindUnknown).
 */
function sharedDims(q: Value | undefined, k: Value | undefined, fr: Frame): ReadonlyMap<number, string> | undefined {
  if (!q || !k || !isTensor(q) || !isTensor(k) || !q.shape || q.shape.length !== k.shape?.length) return undefined;
  const shared = new Map<number, string>();
  q.shape.forEach((d, i) => {
    const other = k.shape![i]!.symbol;
    if (d.symbol && other && sameVariableIn(fr, d.symbol, other)) shared.set(i, d.source);
  });
  return shared.size > 0 ? shared : undefined;
}

/**
 * One of the tensors packed in flash-attn's qkv / kv, (B, L, 3 or 2, H, D) or varlen (total, 3 or 2,
 * H, D): the packed dim, third from the end, dropped.
 */
function unpacked(role: { value: Value; node: SyntaxNode | null }): { value: Value; node: SyntaxNode | null } {
  const t = role.value;
  const rank = isTensor(t) ? t.shape?.length : undefined;
  if (!isTensor(t) || (rank !== 5 && rank !== 4)) return role;
  return { value: tensor(t.dtype, t.origin, { shape: t.shape!.filter((_, i) => i !== rank - 3), param: t.param }), node: role.node };
}

/**
 * The library a call's function was imported from without an ImportError guard: the code that calls
 * it cannot run where the library is missing (its import would have raised first).
 */
export function importedLibrary(callee: Value & { t: 'ref' }): InstalledOnPath {
  const lib = OPTIONAL_LIBRARIES.find((l) => callee.name === l || callee.name.startsWith(`${l}.`));
  // flash-attention 4 ships `flash_attn.cute` in a package of its own: it says nothing of flash-attn 2.
  if (!lib || callee.optional || callee.name.startsWith('flash_attn.cute.')) return {};
  return { [lib]: { value: true, why: `${lib} is installed wherever this runs: \`${callee.name}\` is imported without an ImportError guard` } };
}

/**
 * Record an attention call: map its arguments to roles and give back its output. `inner`: roles the
 * module decides itself, over what the call writes (a decoder layer's cross-attention query);
 * `imported`: what the import of the called function says about its library (importedLibrary).
 */
export function observeApi(spec: ApiSpec, apiText: string, args: CallArgs, module: Value | undefined, st: PathState, fr: Frame, node: SyntaxNode, e: Engine, inner: Roles = {}, imported: InstalledOnPath = {}): Value {
  // A model loaded to copy its weights runs no attention: no call to report.
  if (spec.api === 'from_pretrained' && loadedForWeightsOnly(node)) return UNKNOWN(`the model \`${apiText}\` loads (its weights only are read)`);
  const roles: Roles = { ...argRoles(spec, args), ...inner };
  if (roles.qkv) { roles.q = roles.k = roles.v = unpacked(roles.qkv); }
  if (roles.kv) { roles.k = roles.v = unpacked(roles.kv); }
  const shared = sharedDims(roles.q?.value, roles.k?.value, fr);
  e.observe({
    site: node, fn: fr.fn, api: spec.api, apiText, ctx: st.ctx, args: roles, module, assumed: pathConditions(st),
    installed: { ...installedOn(st), ...imported }, dead: st.dead, ...(shared ? { sharedDims: shared } : {}),
  });
  // The model loaded: what the analysis tracks of it is what the call configured, recorded above.
  if (spec.api === 'from_pretrained') return UNKNOWN(`the model \`${apiText}\` loads`);
  const q = roles.q?.value;
  const qd = q && isTensor(q) ? q.dtype : unknown('the dtype of q');
  const dtype = spec.autocastAware ? opDtype('scaled_dot_product_attention', q ? [q] : [], st, fr, node) : qd;
  return tensor(dtype, `\`${apiText}\` at ${fileLine(fr, node)}`, { shape: q && isTensor(q) ? q.shape : undefined });
}
