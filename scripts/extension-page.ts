/**
 * The extension page as packed: README.extension.md with its screenshots inlined as data: URIs.
 * VS Code shows a README in a webview whose content security policy takes images from `https:` and
 * `data:` only, and resolves no relative path against the installed extension: a packaged
 * `docs/images/x.png` shows as a broken image (seen in code-server 4.100.3). The repository has no
 * public address to rewrite them to, so the page carries them itself; vsce allows this with
 * `--no-rewrite-relative-links`, and the Marketplace shows what VS Code shows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The page as written, repository-relative: its images are paths in the repository. */
export const PAGE_SOURCE = 'README.extension.md';
/** The page as packed (`vsce package --readme-path`): inside the project, since vsce reads it from there, and in vsix/, which nothing else packs. */
export const PAGE_PACKED = 'vsix/extension-page/README.md';

const MEDIA_TYPES: Readonly<Record<string, string>> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif' };

/** Markdown images `![alt](path)` whose path is relative (not `scheme:` nor `#anchor`). */
const RELATIVE_IMAGE = /(!\[[^\]]*\]\()(?![a-z][a-z0-9+.-]*:|#)([^)\s]+)\)/gi;

/**
 * `markdown` with each relative image replaced by a data: URI of the bytes `read` gives for its path.
 * An image of a type the page cannot show inline (SVG, which vsce refuses as data:) is an error.
 */
export function inlineImages(markdown: string, read: (relativePath: string) => Buffer): string {
  return markdown.replace(RELATIVE_IMAGE, (_, opening: string, target: string) => {
    const type = MEDIA_TYPES[path.extname(target).toLowerCase()];
    if (type === undefined) throw new Error(`${PAGE_SOURCE}: cannot inline the image ${target} (only ${Object.keys(MEDIA_TYPES).join(', ')})`);
    return `${opening}data:${type};base64,${read(target).toString('base64')})`;
  });
}

/** Writes the packed page under `root` from the page as written there; returns its path. */
export function writePackedPage(root: string): string {
  const source = fs.readFileSync(path.join(root, PAGE_SOURCE), 'utf8');
  const packed = path.join(root, PAGE_PACKED);
  fs.mkdirSync(path.dirname(packed), { recursive: true });
  fs.writeFileSync(packed, inlineImages(source, (target) => fs.readFileSync(path.join(root, target))));
  return packed;
}
