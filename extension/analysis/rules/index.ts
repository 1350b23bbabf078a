/** The rules, sorted by code: the only list. */
import biasAlignment from './bias-alignment';
import biasDtype from './bias-dtype';
import biasShape from './bias-shape';
import causalAlignment from './causal-alignment';
import deadFastPath from './dead-fast-path';
import diffusersBackend from './diffusers-backend';
import dropoutInEval from './dropout-in-eval';
import dtypeMismatch from './dtype-mismatch';
import dtypeUnsupported from './dtype-unsupported';
import flashAttention2Dtype from './flash-attention-2-dtype';
import flexEager from './flex-eager';
import groupedHeads from './grouped-heads';
import headDim from './head-dim';
import inputRank from './input-rank';
import layout from './layout';
import manualAttention from './manual-attention';
import maskDisablesFlash from './mask-disables-flash';
import needWeights from './need-weights';
import noAvailableKernel from './no-available-kernel';
import outputAttentions from './output-attentions';
import type { Rule } from './rule';

export const RULES: readonly Rule[] = [
  biasAlignment, biasDtype, biasShape, causalAlignment, deadFastPath, diffusersBackend, dropoutInEval, dtypeMismatch, dtypeUnsupported,
  flashAttention2Dtype, flexEager, groupedHeads, headDim, inputRank, layout, manualAttention, maskDisablesFlash, needWeights,
  noAvailableKernel, outputAttentions,
];
