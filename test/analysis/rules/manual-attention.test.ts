/**
 * The manual-attention quick fix: the exact SDPA call offered for hand-written attention where scale
 * and dropout carry over, none where they do not, and the fixed file analysing as SDPA.
 */
import * as assert from 'node:assert/strict';
import { analyzeFiles } from '../../../extension/analysis/index';
import type { FileReport } from '../../../extension/analysis/report';
import { applyEdits, readFixture, SETTINGS } from '../helpers';

/** `<line> <api>: <fix edit as line:col-line:col text>` per call, `no fix` where none is offered. */
function fixes(report: FileReport): string[] {
  return report.calls.map((c) => {
    const fix = c.findings.find((f) => f.code === 'manual-attention')?.fix;
    const edits = fix?.edits.map((e) => `${e.span.line}:${e.span.column}-${e.span.endLine}:${e.span.endColumn} ${e.newText}`);
    return `${c.span.line} ${c.api}: ${edits ? `${fix!.title} ${edits.join(' ')}` : 'no fix'}`;
  });
}

async function reportOf(name: string, text = readFixture(name)): Promise<FileReport> {
  const [report] = await analyzeFiles([{ path: name, text }], SETTINGS);
  return report;
}

/** `<line> <api> <codes>` per call of the fixture once every offered fix is applied. */
async function afterFixes(name: string): Promise<string[]> {
  const text = readFixture(name);
  const before = await reportOf(name, text);
  const edits = before.calls.flatMap((c) => c.findings.flatMap((f) => f.fix?.edits ?? []));
  const after = await reportOf(name, applyEdits(text, edits));
  return after.calls.map((c) => `${c.span.line} ${c.api} ${c.findings.map((f) => f.code).join(',')}`);
}

describe('manual-attention fix', () => {
  it('offers the SDPA call with the scale and dropout as written, and nothing where a step does not carry over', async () => {
    assert.deepEqual(fixes(await reportOf('manual_fix.py')), [
      '9 softmax(q·kᵀ)·v: Use F.scaled_dot_product_attention 9:12-9:38 F.scaled_dot_product_attention(q, k, v, scale=1 / math.sqrt(q.size(-1)))',
      '15 softmax(q·kᵀ)·v: Use F.scaled_dot_product_attention 15:12-15:19 F.scaled_dot_product_attention(q, k, v, dropout_p=p, scale=scale)',
      '20 softmax(q·kᵀ)·v: Use F.scaled_dot_product_attention 20:12-20:55 F.scaled_dot_product_attention(q, k, v, scale=1 / (d ** 0.5 + 1))',
      '26 softmax(q·kᵀ)·v: no fix', // masked_fill: the mask's polarity and fill value do not carry over mechanically
      '31 softmax(q·kᵀ)·v: no fix', // softmax in float32: the result's dtype would change
      '36 softmax(q·kᵀ)·v: Use F.scaled_dot_product_attention 36:12-36:52 F.scaled_dot_product_attention(q, k, v, dropout_p=p if training else 0.0, scale=1.0)',
      '41 softmax(q·kᵀ)·v: no fix', // softmax over another dim
      '46 softmax(q·kᵀ)·v: no fix', // scaled twice
    ]);
  });

  it('spells torch.nn.functional out where only torch is imported, carries an einsum q·kᵀ over, and skips 3-D bmm', async () => {
    assert.deepEqual(fixes(await reportOf('manual.py')), [
      '7 softmax(q·kᵀ)·v: Use torch.nn.functional.scaled_dot_product_attention 7:12-7:53 torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=scale)',
      '13 softmax(q·kᵀ)·v: no fix', // 3-D: SDPA would run its math kernel (input-rank)
    ]);
  });

  it('carries nn.Dropout and F.dropout(training=) into dropout_p, replaces a plain einsum p·v, and transposes (B, L, H, D) einsums in and out', async () => {
    assert.deepEqual(fixes(await reportOf('manual_dropout.py')), [
      '21 softmax(q·kᵀ)·v: Use F.scaled_dot_product_attention 21:16-21:59 F.scaled_dot_product_attention(q, k, v, dropout_p=self.drop.p if self.drop.training else 0.0, scale=1 / math.sqrt(self.d_k))',
      '30 softmax(q·kᵀ)·v: no fix', // masked where a caller passes a mask (`mask=None` is only the default)
      '40 softmax(q·kᵀ)·v: Use F.scaled_dot_product_attention 40:16-40:79 F.scaled_dot_product_attention(q, k, v, dropout_p=self.p if self.training else 0.0, scale=q.size(-1) ** -0.5)',
      '45 softmax(q·kᵀ)·v: no fix', // inplace=
      '50 softmax(q·kᵀ)·v: Use F.scaled_dot_product_attention 50:12-50:53 F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), scale=1.0).transpose(1, 2)', // (B, L, H, D) in and out
    ]);
  });

  it('undoes every spelling of kᵀ that swaps the last two dims, and offers nothing for .T', async () => {
    assert.deepEqual(fixes(await reportOf('transposes.py')), [
      '5 softmax(q·kᵀ)·v: Use torch.nn.functional.scaled_dot_product_attention 5:12-5:47 torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=1.0)',
      '9 softmax(q·kᵀ)·v: Use torch.nn.functional.scaled_dot_product_attention 9:12-9:38 torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=1.0)',
      '13 softmax(q·kᵀ)·v: Use torch.nn.functional.scaled_dot_product_attention 13:12-13:67 torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=1.0)',
      '17 softmax(q·kᵀ)·v: Use torch.nn.functional.scaled_dot_product_attention 17:12-17:59 torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=1.0)',
      '21 softmax(q·kᵀ)·v: Use torch.nn.functional.scaled_dot_product_attention 21:12-21:57 torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=1.0)',
      '25 softmax(q·kᵀ)·v: no fix', // `.T`: 2-D q, k, v
    ]);
  });

  it('applied to nn.Dropout and einsum forms, leaves SDPA calls the analysis reads back', async () => {
    assert.deepEqual(await afterFixes('manual_dropout.py'), [
      '21 F.scaled_dot_product_attention ',
      '30 softmax(q·kᵀ)·v manual-attention',
      '40 F.scaled_dot_product_attention ',
      '45 softmax(q·kᵀ)·v manual-attention',
      '50 F.scaled_dot_product_attention ',
    ]);
  });

  it('applied, leaves SDPA calls with no manual-attention finding', async () => {
    assert.deepEqual(await afterFixes('manual_fix.py'), [
      '9 F.scaled_dot_product_attention ',
      '15 F.scaled_dot_product_attention ',
      '20 F.scaled_dot_product_attention ',
      '26 softmax(q·kᵀ)·v manual-attention',
      '31 softmax(q·kᵀ)·v manual-attention',
      '36 F.scaled_dot_product_attention ',
      '41 softmax(q·kᵀ)·v manual-attention',
      '46 softmax(q·kᵀ)·v manual-attention',
    ]);
  });
});
