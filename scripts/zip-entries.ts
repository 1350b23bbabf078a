/**
 * The entries of a zip file (a .vsix is one), read from its central directory: enough to check
 * what a package holds without unpacking it or depending on an unzip tool.
 */
import * as fs from 'node:fs';

export interface ZipEntry {
  readonly name: string;
  readonly compressedBytes: number;
  readonly bytes: number;
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
/** The end record is 22 bytes plus a comment of at most 65535. */
const END_SEARCH_BYTES = 22 + 0xffff;

export function zipEntries(file: string): ZipEntry[] {
  const zip = fs.readFileSync(file);
  const end = findEndOfDirectory(zip);
  const count = zip.readUInt16LE(end + 10);
  const entries: ZipEntry[] = [];
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== DIRECTORY_ENTRY) throw new Error(`${file}: central directory entry ${i} is malformed`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      compressedBytes: zip.readUInt32LE(at + 20),
      bytes: zip.readUInt32LE(at + 24),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEndOfDirectory(zip: Buffer): number {
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - END_SEARCH_BYTES); at--) {
    if (zip.readUInt32LE(at) === END_OF_DIRECTORY) return at;
  }
  throw new Error('not a zip file: no end of central directory record');
}
