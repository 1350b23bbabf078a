/// <reference types="@webgpu/types" />
/**
 * HACK(Node + Dawn): onnxruntime-web's WebGPU provider uploads straight from its threaded WASM
 * memory, a SharedArrayBuffer, and Dawn for Node rejects views over a SharedArrayBuffer in
 * `queue.writeBuffer` with "Invalid argument". Browsers accept them. This wraps `writeBuffer`
 * on one queue to copy such views into an ordinary buffer first; other calls pass through.
 */
export function copySharedWrites(queue: GPUQueue): void {
  const write = queue.writeBuffer.bind(queue);
  queue.writeBuffer = (buffer, offset, data, dataOffset?, size?) => {
    const shared = typeof SharedArrayBuffer !== 'undefined' && (ArrayBuffer.isView(data) ? data.buffer : data) instanceof SharedArrayBuffer;
    const source = !shared ? data : ArrayBuffer.isView(data) ? (data as Uint8Array).slice() : (data as ArrayBufferLike).slice(0);
    return write(buffer, offset, source as BufferSource, dataOffset, size);
  };
}
