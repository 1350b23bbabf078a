import * as assert from 'node:assert/strict';
import { inlineImages } from '../../scripts/extension-page';

/** Reads a made-up file: its bytes are its path, so each data: URI shows which file it came from. */
const read = (relativePath: string) => Buffer.from(relativePath);
const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('the extension page as packed (scripts/extension-page.ts)', () => {
  it('inlines each relative image as a data: URI of its bytes and type', () => {
    assert.equal(
      inlineImages('![Lenses](docs/images/a.png) and ![Plot](./b.JPG)\n', read),
      `![Lenses](data:image/png;base64,${base64('docs/images/a.png')}) and ![Plot](data:image/jpeg;base64,${base64('./b.JPG')})\n`,
    );
  });

  it('leaves web images, data: images and links as they are', () => {
    const page = '![Badge](https://example.com/b.png) ![Dot](data:image/gif;base64,R0lG) [docs](docs/check.md) [top](#attention-lens)';
    assert.equal(inlineImages(page, () => assert.fail('nothing is read')), page);
  });

  it('refuses an image it cannot show inline, naming it', () => {
    assert.throws(() => inlineImages('![Logo](media/logo.svg)', read), /cannot inline the image media\/logo\.svg/);
  });
});
