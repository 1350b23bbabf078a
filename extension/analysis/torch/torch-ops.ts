/**
 * PyTorch ops as data: which dtype each produces under CUDA autocast (RULES.md "Autocast"), which
 * keep their input's dtype, and which module classes behave like which op.
 */

/** Ops autocast runs in the low-precision dtype. einsum decomposes into bmm, which is on the list. */
export const AUTOCAST_LOW = new Set([
  'linear', 'matmul', 'mm', 'bmm', 'baddbmm', 'addmm', 'addbmm', 'addmv', 'addr', 'mv', 'einsum',
  'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'prelu',
  'scaled_dot_product_attention',
]);

/** Ops autocast runs in float32. */
export const AUTOCAST_FLOAT32 = new Set([
  'softmax', 'log_softmax', 'softmin', 'layer_norm', 'group_norm', 'norm', 'normalize', 'exp', 'log', 'log2',
  'log10', 'log1p', 'pow', 'rsqrt', 'reciprocal', 'sum', 'prod', 'cumsum', 'cumprod', 'cdist', 'cosine_similarity',
  'softplus', 'erfinv', 'acos', 'asin', 'cosh', 'sinh', 'tan', 'cross_entropy', 'mse_loss', 'l1_loss', 'nll_loss',
  'binary_cross_entropy_with_logits', 'kl_div', 'smooth_l1_loss',
]);

/**
 * Ops (functions, methods, and the modules of MODULE_OP) whose result has their input's shape:
 * elementwise, normalising along a dim, copies. Any other op (`flatten`, `repeat_interleave`, `mean`,
 * `pad`) gives a shape the analysis does not know unless it reads the op's arguments (shapes.ts).
 */
export const SAME_SHAPE = new Set([
  'softmax', 'log_softmax', 'softmin', 'layer_norm', 'group_norm', 'normalize', 'exp', 'log', 'log2', 'log10', 'log1p',
  'rsqrt', 'reciprocal', 'cumsum', 'cumprod', 'softplus', 'erfinv', 'acos', 'asin', 'cosh', 'sinh', 'tan', 'pow',
  'contiguous', 'clone', 'detach', 'masked_fill', 'masked_fill_', 'roll', 'flip', 'tril', 'triu', 'neg', 'abs', 'relu',
  'gelu', 'silu', 'sigmoid', 'tanh', 'clamp', 'clamp_max', 'clamp_min', 'sqrt', 'sin', 'cos', 'dropout', 'requires_grad_',
  'cuda', 'cpu', 'sign', 'square', 'floor', 'ceil', 'round', 'batch_norm', 'mish',
]);

/** Other names torch gives an op (`torch.concat` is `torch.cat`). */
const ALIASES: Readonly<Record<string, string>> = { concat: 'cat', concatenate: 'cat' };

/** The op a function or method name calls. */
export function opName(name: string): string {
  return Object.hasOwn(ALIASES, name) ? ALIASES[name]! : name;
}

/** Ops autocast runs in the widest input dtype. */
export const AUTOCAST_WIDEST = new Set([
  'addcdiv', 'addcmul', 'atan2', 'bilinear', 'cross', 'dot', 'grid_sample', 'index_put', 'scatter_add', 'tensordot', 'cat', 'stack',
]);

/** Tensor methods and functions whose result has their input's dtype (and, for these, its layout changes below). */
export const SAME_DTYPE = new Set([
  'view', 'reshape', 'permute', 'transpose', 'contiguous', 'unsqueeze', 'squeeze', 'expand', 'expand_as', 'flatten',
  'unflatten', 'clone', 'detach', 'masked_fill', 'masked_fill_', 'repeat', 'repeat_interleave', 'narrow', 'select', 'roll',
  'flip', 't', 'tril', 'triu', 'neg', 'abs', 'relu', 'gelu', 'silu', 'sigmoid', 'tanh', 'clamp', 'clamp_max', 'clamp_min',
  'sqrt', 'sin', 'cos', 'dropout', 'pad', 'requires_grad_', 'cuda', 'cpu', 'view_as', 'reshape_as', 'movedim', 'swapaxes', 'swapdims',
  'rearrange', 'sign', 'square', 'floor', 'ceil', 'round', 'max', 'min', 'mean', 'amax', 'float_power',
  // Autocast lists none of these on CUDA: batch norm, pooling and resampling keep their input's dtype.
  'batch_norm', 'mish', 'interpolate', 'avg_pool1d', 'avg_pool2d', 'avg_pool3d', 'max_pool1d', 'max_pool2d', 'max_pool3d',
  'adaptive_avg_pool1d', 'adaptive_avg_pool2d', 'adaptive_avg_pool3d',
]);

/** Same-dtype ops that compute in floating point: on an integer tensor they give a float or fail. */
const FLOAT_ONLY = new Set([
  'gelu', 'silu', 'sigmoid', 'tanh', 'sqrt', 'sin', 'cos', 'dropout', 'requires_grad_', 'mean', 'float_power', 'batch_norm', 'mish',
  'interpolate', 'avg_pool1d', 'avg_pool2d', 'avg_pool3d', 'adaptive_avg_pool1d', 'adaptive_avg_pool2d', 'adaptive_avg_pool3d',
]);

/**
 * Ops that give an integer tensor on integer ones (PyTorch keeps the integer dtype): the same-dtype
 * ops but the floating-point ones, and `+ - *`, sums and `cat`. Any other op on an integer tensor
 * (`exp`, `sqrt`, `sigmoid`, `mean`) gives a float or fails: its dtype is left unknown.
 */
export const INTEGER_KEEPING = new Set([
  ...[...SAME_DTYPE].filter((op) => !FLOAT_ONLY.has(op)),
  'mul', 'add', 'sub', 'mul_', 'add_', 'sub_', 'multiply', 'maximum', 'minimum', 'where', 'sum', 'prod', 'cumsum',
  'cumprod', 'cat', 'stack', 'floor_divide', 'remainder',
]);

/** Methods and functions that split a tensor into several of the same dtype. */
export const SPLITS = new Set(['unbind', 'chunk', 'split', 'tensor_split']);

/**
 * Elementwise binary ops: ordinary type promotion between tensor operands. `lerp` takes its inputs of one
 * dtype only (it raises otherwise), which is then the result's.
 */
export const BINARY = new Set(['mul', 'add', 'sub', 'div', 'mul_', 'add_', 'sub_', 'div_', 'true_divide', 'multiply', 'where', 'maximum', 'minimum', 'outer', 'polar', 'lerp', 'lerp_']);

/** Tensor-creating functions: float32 (the default dtype) unless `dtype=` says otherwise. */
export const CREATES = new Set(['zeros', 'ones', 'full', 'empty', 'randn', 'rand', 'tensor', 'eye', 'linspace', 'as_tensor']);

/** `*_like` creators take their input's dtype unless `dtype=` says otherwise. */
export const CREATES_LIKE = new Set(['zeros_like', 'ones_like', 'full_like', 'empty_like', 'randn_like', 'rand_like']);

/** `x.new_zeros(size)` and kin: a tensor of x's dtype (unless `dtype=` says otherwise) of the size given. */
export const CREATES_NEW = new Set(['new_zeros', 'new_ones', 'new_full', 'new_empty']);

/** Cast methods. */
export const CASTS: Readonly<Record<string, 'float16' | 'bfloat16' | 'float32' | 'float64'>> = {
  half: 'float16', float: 'float32', bfloat16: 'bfloat16', double: 'float64',
};

/** torch.nn module classes by the op their forward runs (for dtype rules). */
export const MODULE_OP: Readonly<Record<string, string>> = {
  Linear: 'linear', Conv1d: 'conv1d', Conv2d: 'conv2d', Conv3d: 'conv3d', LayerNorm: 'layer_norm', GroupNorm: 'group_norm',
  Dropout: 'dropout', GELU: 'gelu', ReLU: 'relu', SiLU: 'silu', Identity: 'dropout', Softmax: 'softmax',
  BatchNorm1d: 'batch_norm', BatchNorm2d: 'batch_norm', BatchNorm3d: 'batch_norm', SyncBatchNorm: 'batch_norm',
  AvgPool1d: 'avg_pool1d', AvgPool2d: 'avg_pool2d', AvgPool3d: 'avg_pool3d', MaxPool1d: 'max_pool1d', MaxPool2d: 'max_pool2d',
  MaxPool3d: 'max_pool3d', AdaptiveAvgPool1d: 'adaptive_avg_pool1d', AdaptiveAvgPool2d: 'adaptive_avg_pool2d',
  AdaptiveAvgPool3d: 'adaptive_avg_pool3d', Mish: 'mish', Tanh: 'tanh', Sigmoid: 'sigmoid',
  // Padding keeps the dtype (autocast lists no pad), not the spatial extents.
  ...Object.fromEntries(['Zero', 'Constant', 'Reflection', 'Replication', 'Circular'].flatMap((k) => [1, 2, 3].map((n) => [`${k}Pad${n}d`, 'pad']))),
};
