/**
 * The diffusers attention backend the code sets: `with attention_backend("flash"):` for its body, and
 * `model.set_attention_backend("flash")` as a statement for the rest of the path, also from a function
 * the path calls (it sets diffusers' active backend as well as the model's processors'; modeling_utils.py
 * at diffusers 58eb52c0). `model.reset_attention_backend()` changes nothing here: it sets the processors'
 * `_attention_backend` back to None, which reads the active backend, and leaves that as it was.
 */
import { known, unknown, type Fact } from '../../../runtime/dispatch/facts';
import { arg, fileLine, type CallArgs, type Engine } from '../values/engine';
import { evaluate } from './evaluate';
import type { Frame, PathState } from '../values/state';
import { field, namedChildren, textOf, type SyntaxNode } from '../syntax/syntax';
import { backendOf } from '../values/diffusers-backends';

const CONTEXT = /^diffusers\.(models\.(attention_dispatch\.)?)?attention_backend$/;

/** Whether a library name is diffusers' `attention_backend` context manager. */
export function isBackendContext(name: string): boolean {
  return CONTEXT.test(name);
}

/** The backend `attention_backend(backend="native")` sets for its body; undefined for any other callee. */
export function contextBackend(name: string, args: CallArgs, callNode: SyntaxNode, fr: Frame): Fact<string> | undefined {
  if (!isBackendContext(name)) return undefined;
  const source = `\`${textOf(callNode)}\` at ${fileLine(fr, callNode)}`;
  const given = arg(args, 0, 'backend');
  return given ? backendOf(given.value, source, false, textOf(given.node)) ?? unknown(`the backend of ${source}`) : known('native', source);
}

/** The backend after a statement `x.set_attention_backend(…)`; undefined when the call is not one. */
export function statementBackend(callNode: SyntaxNode, st: PathState, fr: Frame, e: Engine): Fact<string> | undefined {
  const fnNode = field(callNode, 'function');
  const method = fnNode?.type === 'attribute' ? textOf(field(fnNode, 'attribute')!) : '';
  if (method !== 'set_attention_backend') return undefined;
  const list = field(callNode, 'arguments');
  const first = list ? namedChildren(list)[0] : undefined;
  const source = `\`${textOf(callNode)}\` at ${fileLine(fr, callNode)}`;
  const node = first?.type === 'keyword_argument' ? field(first, 'value')! : first;
  const value = node ? evaluate(node, st, fr, e) : undefined;
  // ModelMixin.set_attention_backend lowers the name before it looks it up.
  return value ? backendOf(value, source, true, textOf(node!)) ?? unknown(`the backend of ${source}`) : unknown(`the backend of ${source}`);
}
