/**
 * The subset of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto) our kernels need, as a
 * protobufjs reflection descriptor, and `encodeModel()` which serialises a plain ModelProto object.
 * Field numbers are onnx.proto's; everything we do not emit is left out.
 */
import * as protobuf from 'protobufjs';

/** TensorProto.DataType values we use. */
export const ELEM = { float32: 1, int32: 6, int64: 7, bool: 9, float16: 10 } as const;
export type ElemName = keyof typeof ELEM;

/** AttributeProto.AttributeType values we use. */
export const ATTR = { FLOAT: 1, INT: 2, INTS: 7 } as const;

const DESCRIPTOR: protobuf.INamespace = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { id: 1, type: 'int64' },
            producerName: { id: 2, type: 'string' },
            graph: { id: 7, type: 'GraphProto' },
            opsetImport: { id: 8, type: 'OperatorSetIdProto', rule: 'repeated' },
          },
        },
        OperatorSetIdProto: { fields: { domain: { id: 1, type: 'string' }, version: { id: 2, type: 'int64' } } },
        GraphProto: {
          fields: {
            node: { id: 1, type: 'NodeProto', rule: 'repeated' },
            name: { id: 2, type: 'string' },
            initializer: { id: 5, type: 'TensorProto', rule: 'repeated' },
            input: { id: 11, type: 'ValueInfoProto', rule: 'repeated' },
            output: { id: 12, type: 'ValueInfoProto', rule: 'repeated' },
          },
        },
        NodeProto: {
          fields: {
            input: { id: 1, type: 'string', rule: 'repeated' },
            output: { id: 2, type: 'string', rule: 'repeated' },
            name: { id: 3, type: 'string' },
            opType: { id: 4, type: 'string' },
            attribute: { id: 5, type: 'AttributeProto', rule: 'repeated' },
            domain: { id: 7, type: 'string' },
          },
        },
        AttributeProto: {
          fields: {
            name: { id: 1, type: 'string' },
            f: { id: 2, type: 'float' },
            i: { id: 3, type: 'int64' },
            ints: { id: 8, type: 'int64', rule: 'repeated' },
            type: { id: 20, type: 'int32' },
          },
        },
        TensorProto: {
          fields: {
            dims: { id: 1, type: 'int64', rule: 'repeated' },
            dataType: { id: 2, type: 'int32' },
            name: { id: 8, type: 'string' },
            rawData: { id: 9, type: 'bytes' },
          },
        },
        ValueInfoProto: { fields: { name: { id: 1, type: 'string' }, type: { id: 2, type: 'TypeProto' } } },
        TypeProto: {
          fields: { tensorType: { id: 1, type: 'Tensor' } },
          nested: { Tensor: { fields: { elemType: { id: 1, type: 'int32' }, shape: { id: 2, type: 'TensorShapeProto' } } } },
        },
        TensorShapeProto: {
          fields: { dim: { id: 1, type: 'Dimension', rule: 'repeated' } },
          nested: { Dimension: { fields: { dimValue: { id: 1, type: 'int64' } } } },
        },
      },
    },
  },
};

export interface OpsetImport { readonly domain: string; readonly version: number }
export interface Attribute { readonly name: string; readonly type: number; readonly f?: number; readonly i?: number; readonly ints?: readonly number[] }
export interface NodeProto {
  readonly opType: string;
  readonly domain?: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute?: readonly Attribute[];
}
export interface TensorProto { readonly name: string; readonly dataType: number; readonly dims: readonly number[]; readonly rawData: Uint8Array }
export interface ValueInfo { readonly name: string; readonly type: { readonly tensorType: { readonly elemType: number; readonly shape: { readonly dim: readonly { readonly dimValue: number }[] } } } }
export interface GraphProto {
  readonly name: string;
  readonly node: readonly NodeProto[];
  readonly initializer: readonly TensorProto[];
  readonly input: readonly ValueInfo[];
  readonly output: readonly ValueInfo[];
}
export interface ModelProto { readonly irVersion: number; readonly producerName: string; readonly opsetImport: readonly OpsetImport[]; readonly graph: GraphProto }

const MODEL = protobuf.Root.fromJSON(DESCRIPTOR).lookupType('onnx.ModelProto');

/** Serialises a model; throws if the object does not match the descriptor. */
export function encodeModel(model: ModelProto): Uint8Array {
  const problem = MODEL.verify(model);
  if (problem) throw new Error(`invalid ONNX model: ${problem}`);
  return MODEL.encode(MODEL.fromObject(model)).finish();
}
