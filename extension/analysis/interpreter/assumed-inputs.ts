/**
 * Entry points with unknown inputs: a module's `forward` (or a processor's `__call__`) that no
 * resolved caller runs is what a training script or a framework calls with a batch. Its inputs
 * without a default are taken as floating tensors of the module's parameter dtype, on assumption:
 * the assumption is a condition of the path (the report's `assumed`) and the dtype's source. Any
 * other method or function run so gets the same for the inputs its annotations call tensors.
 */
import type { Dtype, Fact } from '../../../runtime/dispatch/facts';
import type { FunctionInfo, Param } from '../workspace-index/module-index';
import type { AnalysisSettings } from '../report';
import { known, openMaskDtype, tensor, type Value } from '../values/values';

/** Methods a caller outside the files runs with the batch. */
const MODEL_CALLS = new Set(['forward', '__call__']);

/**
 * Names that say a parameter is no floating tensor: a single capital (`H`, `W`), a size or count, a
 * flag, indices or lengths (token ids, labels, sequence lengths). (A tensor the code then uses as a
 * number is harmless; a flag taken as a tensor would be truthy.)
 */
const NOT_A_FLOAT_TENSOR = /^([A-Z]|[hw]|.*_(size|len|length|shape|dim|dims|idx|index|step|steps)|(use|return|need|output|is|with|do)_.*|training|causal|scale|(.*_)?(ids|idx|labels?|tokens?|targets?|positions?|lengths?|lens|seqlens?)(_.*)?)$/;

/** Whether an annotation names a floating (or any) tensor: `Tensor`, `torch.Tensor`, `Optional[torch.FloatTensor]`, not `torch.LongTensor`. */
function annotatedFloatTensor(annotation: string): boolean {
  return /\b(Float|Half|BFloat16|Double)?Tensor\b/.test(annotation);
}

export interface AssumedInput {
  readonly value: Value;
  /** The assumption, as the condition the path holds on. */
  readonly text: string;
}

/**
 * The value assumed for `param` of `fn` run with no caller, if it is a model input: a tensor of
 * `dtype` (the instance's cast, else float32), unless the settings turn the assumption off.
 */
export function assumedInput(fn: FunctionInfo, param: Param, dtype: Dtype | undefined, autocast: Fact<Dtype | null>, settings: AnalysisSettings): AssumedInput | undefined {
  // A static `forward` is an autograd Function's: `apply` passes it what the module computed, in any dtype.
  if (settings.assumeInputs === 'none' || fn.decorators.includes('staticmethod')) return undefined;
  if (param.default) return param.default.type === 'none' ? optionalInput(fn, param, dtype, autocast) : undefined;
  // Another method (`attend(self, q: torch.Tensor, …)`, an override a subclass adds) or a function (a
  // library's backend that a registry calls) takes a tensor only where its annotation says so.
  if (param.annotation ? !annotatedFloatTensor(param.annotation) : fn.className === null || !MODEL_CALLS.has(fn.name) || NOT_A_FLOAT_TENSOR.test(param.name)) return undefined;
  const { words, inputDtype } = assumedTensor(fn, dtype, autocast);
  const text = `\`${param.name}\` is ${words}`;
  return { value: tensor(known(inputDtype, text), `\`${param.name}\``), text };
}

/**
 * A tensor input as assumed, in words, and its dtype. A model's input is the batch, in the
 * parameters' dtype; a helper's (a method other than the model's call, a function) is an activation
 * the model computed: under autocast, autocast's dtype, as q, k and v come from projections autocast
 * runs in it. The words are the same under every autocast, so the cases share one assumption.
 */
function assumedTensor(fn: FunctionInfo, dtype: Dtype | undefined, autocast: Fact<Dtype | null>): { readonly words: string; readonly inputDtype: Dtype } {
  const paramDtype = dtype ?? 'float32';
  const source = `${fn.qualName}'s input from no caller in these files`;
  if (fn.className !== null && MODEL_CALLS.has(fn.name)) return { words: `a ${paramDtype} tensor (assumed: ${source})`, inputDtype: paramDtype };
  return {
    words: `an activation (assumed: ${source}; ${paramDtype}, or autocast's dtype under autocast)`,
    inputDtype: autocast.known && autocast.value !== null ? autocast.value : paramDtype,
  };
}

/**
 * An input whose annotation says a tensor and whose default is None (`attention_mask:
 * Optional[torch.Tensor] = None`, or `torch.FloatTensor = None`, PEP 484's implicit Optional that
 * diffusers' processors write): a caller the files do not show may pass one or not, so it is None
 * or the tensor (the default is no fact). A mask is open, its verdict given per kind (None, float,
 * bool: mask-cases.ts); another input is None or what a required one is assumed to be.
 */
function optionalInput(fn: FunctionInfo, param: Param, dtype: Dtype | undefined, autocast: Fact<Dtype | null>): AssumedInput | undefined {
  if (!param.annotation || !annotatedFloatTensor(param.annotation)) return undefined;
  const origin = `\`${param.name}\``;
  const source = `${fn.qualName}'s input from no caller in these files`;
  if (/mask/i.test(param.name)) {
    const text = `${origin} is None or a mask (assumed: ${source})`;
    return { value: { t: 'unknown', why: text, orNone: tensor(openMaskDtype(`the dtype of ${origin} (${text})`), origin) }, text };
  }
  const { words, inputDtype } = assumedTensor(fn, dtype, autocast);
  const text = `${origin} is None or ${words}`;
  return { value: { t: 'unknown', why: text, orNone: tensor(known(inputDtype, text), origin) }, text };
}
