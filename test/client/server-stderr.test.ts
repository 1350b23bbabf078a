import * as assert from 'node:assert/strict';
import { sortStderr, type StderrLevel } from '../../extension/client/server-stderr';

function sorted(lines: readonly string[]): [StderrLevel, string][] {
  const out: [StderrLevel, string][] = [];
  const sorter = sortStderr((level, text) => out.push([level, text]));
  for (const line of lines) sorter.line(line);
  sorter.end();
  return out;
}

describe('the server\'s stderr in the log', () => {
  it('puts Dawn\'s start-up messages and their source lines at debug', () => {
    assert.deepEqual(sorted([
      'Warning: Couldn\'t load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory',
      '    at operator() (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)',
      '',
    ]), [
      ['debug', 'Warning: Couldn\'t load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory'],
      ['debug', '    at operator() (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)'],
      ['debug', ''],
    ]);
  });

  it('puts the loader messages Dawn relays before one of its own at debug too (Vulkan with no driver)', () => {
    // What `attnlens lsp` wrote on a machine without a Vulkan driver.
    assert.deepEqual(sorted([
      'Warning: vkCreateInstance: Found no drivers!',
      'Warning: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER',
      '    at CheckVkSuccessImpl (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/VulkanError.cpp:106)',
      '',
    ]).map(([level]) => level), ['debug', 'debug', 'debug', 'debug']);
  });

  it('keeps a line that is not Dawn\'s at error, though Dawn\'s messages follow it', () => {
    assert.deepEqual(sorted([
      'Error: boom',
      'Warning: vkCreateInstance: Found no drivers!',
      '    at CheckVkSuccessImpl (/x/dawn/src/dawn/native/vulkan/VulkanError.cpp:106)',
      'Warning: no source line follows this one',
    ]).map(([level]) => level), ['error', 'debug', 'debug', 'error']);
  });

  it('keeps anything else at error, the last line included', () => {
    assert.deepEqual(sorted(['(node:12) Warning: something', 'Error: boom', '    at main (/x/dist/attnlens.js:1:2)']), [
      ['error', '(node:12) Warning: something'],
      ['error', 'Error: boom'],
      ['error', '    at main (/x/dist/attnlens.js:1:2)'],
    ]);
  });
});
