import * as assert from 'node:assert/strict';
import { importDawn, NO_DAWN_BINARY, noAdapterHint } from '../../runtime/providers/gpu-source';

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

describe('Dawn import', () => {
  const failing = (error: Error & { code?: string }) => () => Promise.reject(error);
  it('says plainly that only WASM runs where the package has no Dawn binary', async () => {
    const missing = Object.assign(new Error("Cannot find module '/ext/node_modules/webgpu/dist/linux-riscv64/dawn.node'"), { code: 'MODULE_NOT_FOUND' });
    await assert.rejects(importDawn(failing(missing)), { message: NO_DAWN_BINARY });
    assert.equal(NO_DAWN_BINARY, 'no WebGPU binary for this platform: WASM only');
  });
  it('passes on any other load failure as it is', async () => {
    const broken = Object.assign(new Error('libvulkan.so.1: cannot open shared object file'), { code: 'ERR_DLOPEN_FAILED' });
    await assert.rejects(importDawn(failing(broken)), broken);
  });
  it('loads the installed binary on this platform', async () => {
    assert.equal(typeof (await importDawn()).create, 'function');
  });
});
