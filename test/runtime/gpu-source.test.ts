import * as assert from 'node:assert/strict';
import { noAdapterHint } from '../../runtime/providers/gpu-source';

describe('no-adapter message', () => {
  const saved = process.env.VK_ICD_FILENAMES;
  afterEach(() => {
    if (saved === undefined) delete process.env.VK_ICD_FILENAMES;
    else process.env.VK_ICD_FILENAMES = saved;
  });
  if (process.platform !== 'linux') return;
  it('names a VK_ICD_FILENAMES that points nowhere', () => {
    process.env.VK_ICD_FILENAMES = '/nonexistent/icd.json';
    assert.equal(noAdapterHint(), 'VK_ICD_FILENAMES points at /nonexistent/icd.json, which does not exist');
  });
  it('says how to get a CPU adapter when no driver answers', () => {
    delete process.env.VK_ICD_FILENAMES;
    assert.match(noAdapterHint(), /^no Vulkan driver answered; without a GPU, install Debian's libvulkan1 and chromium and set VK_ICD_FILENAMES=\/usr\/lib\/chromium\/vk_swiftshader_icd.json/);
  });
});
