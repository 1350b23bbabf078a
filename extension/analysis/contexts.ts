/**
 * `with` items that change how the body runs: autocast regions (`torch.autocast`, `torch.amp.autocast`,
 * `torch.cuda.amp.autocast`, `torch.cpu.amp.autocast`; dtype, device default, `enabled=`),
 * `torch.no_grad()` / `torch.inference_mode()` (the inference path) and SDPA's backend switches.
 */
import { parseDtype } from '../../runtime/dispatch/dtype';
import { known, unknown } from '../../runtime/dispatch/facts';
import { decide } from './conditions';
import { fileLine, type Engine } from './engine';
import { evaluate, truth } from './evaluate';
import { regionSwitches } from './sdpa-switches';
import type { Ctx, Frame, PathState } from './state';
import { field, namedChildren, textOf, type SyntaxNode } from './syntax';

/** The context a `with` item sets up: autocast regions, no_grad / inference_mode, sdpa_kernel. */
export function contextOf(callNode: SyntaxNode, st: PathState, fr: Frame, e: Engine): Ctx {
  const callee = evaluate(field(callNode, 'function')!, st, fr, e);
  if (callee.t !== 'ref') return st.ctx;
  const name = callee.name;
  const where = `${fileLine(fr, callNode)}`;
  if (/(^|\.)(no_grad|inference_mode)$/.test(name) && name.startsWith('torch')) {
    return { ...st.ctx, mode: known('infer', `\`${name}()\` at ${where}`), modeAssumed: false };
  }
  const sdpa = regionSwitches(name, callNode, st, fr, e);
  if (sdpa) return { ...st.ctx, sdpa };
  if (!/^torch\.(autocast|amp\.autocast|cuda\.amp\.autocast|cpu\.amp\.autocast)$/.test(name)) return st.ctx;
  const list = field(callNode, 'arguments');
  const positional = list ? namedChildren(list).filter((a) => a.type !== 'keyword_argument') : [];
  const kw = (k: string): SyntaxNode | undefined => {
    const a = list && namedChildren(list).find((x) => x.type === 'keyword_argument' && textOf(field(x, 'name')!) === k);
    return a ? field(a, 'value') : undefined;
  };
  const isTorchAutocast = name === 'torch.autocast' || name === 'torch.amp.autocast';
  const deviceNode = isTorchAutocast ? kw('device_type') ?? positional[0] : undefined;
  const device = name.includes('cpu') || (deviceNode && /cpu/.test(textOf(deviceNode))) ? 'cpu' : 'cuda';
  const enabledNode = kw('enabled') ?? (name === 'torch.cuda.amp.autocast' ? positional[0] : isTorchAutocast ? positional[2] : undefined);
  if (enabledNode) {
    const en = decide(truth(enabledNode, st, fr, e), st);
    if (en === false) return { ...st.ctx, autocast: known(null, `autocast disabled at ${where}`) };
    if (en === undefined) return { ...st.ctx, autocast: unknown(`\`enabled=${textOf(enabledNode)}\` at ${where}`) };
  }
  const dtypeNode = kw('dtype') ?? (isTorchAutocast ? positional[1] : name === 'torch.cuda.amp.autocast' ? positional[1] : undefined);
  const region = `autocast region at ${where}`;
  if (!dtypeNode) return { ...st.ctx, autocast: known(device === 'cpu' ? 'bfloat16' : 'float16', region) };
  const d = evaluate(dtypeNode, st, fr, e);
  if (d.t === 'dtype') return { ...st.ctx, autocast: known(d.value, region) };
  const literal = parseDtype(textOf(dtypeNode));
  return { ...st.ctx, autocast: literal ? known(literal, region) : unknown(`the autocast dtype \`${textOf(dtypeNode)}\` at ${where}`) };
}
