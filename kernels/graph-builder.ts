/** A small builder that collects ONNX nodes, constants and inputs, then encodes the model. */
import { toHalfBits } from './half';
import type { KernelConfig, KernelDtype } from './kernel';
import { ATTR, ELEM, encodeModel, type Attribute, type ElemName, type NodeProto, type OpsetImport, type TensorProto, type ValueInfo } from './onnx-proto';

export const intAttr = (name: string, i: number): Attribute => ({ name, type: ATTR.INT, i });
export const floatAttr = (name: string, f: number): Attribute => ({ name, type: ATTR.FLOAT, f });
export const intsAttr = (name: string, ints: readonly number[]): Attribute => ({ name, type: ATTR.INTS, ints });

const OPSET_MS: OpsetImport = { domain: 'com.microsoft', version: 1 };

function valueInfo(name: string, elem: ElemName, dims: readonly number[]): ValueInfo {
  return { name, type: { tensorType: { elemType: ELEM[elem], shape: { dim: dims.map((dimValue) => ({ dimValue })) } } } };
}

function rawBytes(elem: ElemName, values: readonly number[]): Uint8Array {
  switch (elem) {
    case 'float32': return new Uint8Array(Float32Array.from(values).buffer);
    case 'float16': return new Uint8Array(Uint16Array.from(values, toHalfBits).buffer);
    case 'int32': return new Uint8Array(Int32Array.from(values).buffer);
    case 'int64': return new Uint8Array(BigInt64Array.from(values, (x) => BigInt(x)).buffer);
    case 'bool': return Uint8Array.from(values);
  }
}

export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfo[] = [];
  private count = 0;

  constructor(readonly dtype: KernelDtype) {}

  input(name: string, elem: ElemName, dims: readonly number[]): string {
    this.inputs.push(valueInfo(name, elem, dims));
    return name;
  }

  /** Adds a node; returns its output names (`outputs` of them, default 1). */
  node(opType: string, input: readonly string[], attribute: readonly Attribute[] = [], opts: { domain?: string; outputs?: number } = {}): string[] {
    const output = Array.from({ length: opts.outputs ?? 1 }, () => `t${this.count++}`);
    this.nodes.push({ opType, domain: opts.domain ?? '', input, output, attribute });
    return output;
  }

  op(opType: string, input: readonly string[], attribute: readonly Attribute[] = []): string {
    return this.node(opType, input, attribute)[0];
  }

  constant(elem: ElemName, dims: readonly number[], values: readonly number[]): string {
    const name = `c${this.count++}`;
    this.initializers.push({ name, dataType: ELEM[elem], dims, rawData: rawBytes(elem, values) });
    return name;
  }

  /** A scalar in the graph's float dtype. */
  scalar(value: number): string {
    return this.constant(this.dtype, [], [value]);
  }

  int64s(values: readonly number[]): string {
    return this.constant('int64', [values.length], values);
  }

  /** [B,H,L,D] → [B,L,H·D], the layout onnxruntime's contrib attention ops take. */
  toBSH(x: string, b: number, h: number, l: number, d: number): string {
    const t = this.op('Transpose', [x], [intsAttr('perm', [0, 2, 1, 3])]);
    return this.op('Reshape', [t, this.int64s([b, l, h * d])]);
  }

  /** [B,L,H·D] → [B,H,L,D]. */
  fromBSH(x: string, b: number, h: number, l: number, d: number): string {
    const r = this.op('Reshape', [x, this.int64s([b, l, h, d])]);
    return this.op('Transpose', [r], [intsAttr('perm', [0, 2, 1, 3])]);
  }

  encode(output: string, outDims: readonly number[], opset: number, name: string): Uint8Array {
    this.nodes.push({ opType: 'Identity', domain: '', input: [output], output: ['out'], attribute: [] });
    return encodeModel({
      irVersion: 10,
      producerName: 'attention-lens',
      opsetImport: [{ domain: '', version: opset }, OPSET_MS],
      graph: { name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: [valueInfo('out', this.dtype, outDims)] },
    });
  }
}

/** The standard inputs q, k, v (and mask) of every kernel graph. */
export function standardInputs(g: GraphBuilder, c: KernelConfig): { q: string; k: string; v: string; mask: string | null } {
  const s = c.shape;
  const q = g.input('q', c.dtype, [s.batch, s.heads, s.seqQ, s.headDim]);
  const k = g.input('k', c.dtype, [s.batch, s.kvHeads, s.seqKv, s.headDim]);
  const v = g.input('v', c.dtype, [s.batch, s.kvHeads, s.seqKv, s.headDimV]);
  const mask = c.mask.kind === 'none' ? null
    : g.input('mask', c.mask.kind === 'bool' ? 'bool' : c.dtype, [c.mask.batch, c.mask.heads, s.seqQ, s.seqKv]);
  return { q, k, v, mask };
}

/** Constant [Lq,Lk] boolean: true where query i may see key j (bottom-right aligned causal). */
export function causalMask(g: GraphBuilder, seqQ: number, seqKv: number): string {
  const values: number[] = [];
  for (let i = 0; i < seqQ; i++) for (let j = 0; j < seqKv; j++) values.push(j <= i + seqKv - seqQ ? 1 : 0);
  return g.constant('bool', [seqQ, seqKv], values);
}

/** A boolean mask turned into an additive bias: 0 where true, −∞ where false. */
export function boolToBias(g: GraphBuilder, mask: string): string {
  return g.op('Where', [mask, g.scalar(0), g.scalar(-Infinity)]);
}
