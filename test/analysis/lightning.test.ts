/**
 * A PyTorch Lightning `LightningModule`: the Trainer calls `training_step` in training and
 * `validation_step` / `test_step` / `predict_step` under `model.eval()` and inference mode; nothing in
 * the file calls them. `validation_step` read as neither before (its calls were only assumed).
 */
import * as assert from 'node:assert/strict';
import { annotate, qAndMode, sitesOf, sitesOfSource, told } from './helpers';

describe('PyTorch Lightning modules', () => {
  it('gives training_step the training path and validation_step / predict_step the inference path', async () => {
    const sites = await sitesOf(['lightning/lit_gpt.py']);
    assert.deepEqual(annotate(sites), [
      'lightning/lit_gpt.py:23:13 sdpa CausalSelfAttention.forward',
      '  train reached=true ?,?,? mask=none causal=true p=0.1 layout=BHLD H=12 D=? → flash? (depends on `x`) without autocast, if `C // self.n_head` is ≤ 256 · efficient? (depends on `x`) without autocast, if `C // self.n_head` is > 256 · flash under float16 or bfloat16 autocast, if `C // self.n_head` is ≤ 256 · efficient (flash off: head dim `C // self.n_head`) under float16 or bfloat16 autocast, if `C // self.n_head` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.n_head`) under float16 or bfloat16 autocast, if `C // self.n_head` is not a multiple of 8 and > 256',
      '  infer reached=true ?,?,? mask=none causal=true p=0 layout=BHLD H=12 D=? → flash? (depends on `x`) without autocast, if `C // self.n_head` is ≤ 256 · efficient? (depends on `x`) without autocast, if `C // self.n_head` is > 256 · flash under float16 or bfloat16 autocast, if `C // self.n_head` is ≤ 256 · efficient (flash off: head dim `C // self.n_head`) under float16 or bfloat16 autocast, if `C // self.n_head` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.n_head`) under float16 or bfloat16 autocast, if `C // self.n_head` is not a multiple of 8 and > 256',
    ]);
    const [site] = sites;
    assert.deepEqual([qAndMode(site!, 'train')[1], qAndMode(site!, 'infer')[1]], ['the name `training_step`', 'the name `validation_step`']);
    assert.equal(told(site!.modes.train.facts.dropout), '0.1 | lit_gpt.py:10');
  });

  it('reads validation_step alone as inference (self.training False: no dropout)', async () => {
    const source = [
      'import lightning as L', 'import torch.nn.functional as F', '',
      'class Lit(L.LightningModule):',
      '    def validation_step(self, batch, batch_idx):',
      '        q, k, v = batch',
      '        return F.scaled_dot_product_attention(q, k, v, dropout_p=0.1 if self.training else 0.0)',
    ].join('\n');
    const [site] = await sitesOfSource(source);
    assert.deepEqual([site!.modes.infer.reached, site!.modes.train.reached, told(site!.modes.infer.facts.mode)],
      [true, false, 'infer | the name `validation_step`']);
  });
});
