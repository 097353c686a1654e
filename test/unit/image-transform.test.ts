import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { imageRequestOf, transformImage } from '../../src/server/http/image-transform.ts';

const query = (text: string) => new URLSearchParams(text) as never;

async function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 200, g: 10, b: 10, alpha: 1 } } })
    .png()
    .toBuffer();
}

async function size(bytes: Uint8Array): Promise<[number, number]> {
  const meta = await sharp(Buffer.from(bytes)).metadata();
  return [meta.width ?? 0, meta.height ?? 0];
}

describe('image transforms on read', () => {
  it('crops, then resizes; fit keeps inside the box; fill covers it', async () => {
    const source = await png(6, 4);
    assert.deepEqual(
      await size(
        await transformImage(source, '.png', imageRequestOf(query('crop_x1=1&crop_y1=1&crop_x2=4&crop_y2=3'), '.png')!),
      ),
      [3, 2],
    );
    const [w, h] = await size(await transformImage(source, '.png', imageRequestOf(query('width=2&height=1'), '.png')!));
    assert.ok(w <= 2 && h <= 1);
    assert.deepEqual(
      await size(await transformImage(source, '.png', imageRequestOf(query('width=3&height=3&mode=fit'), '.png')!)),
      [3, 2],
    );
    assert.deepEqual(
      await size(await transformImage(source, '.png', imageRequestOf(query('width=3&height=3&mode=fill'), '.png')!)),
      [3, 3],
    );
    assert.deepEqual(
      await size(await transformImage(source, '.png', imageRequestOf(query('width=3'), '.png')!)),
      [3, 2],
      'a zero side keeps the aspect',
    );
  });

  it('leaves alone what it must: small images, crops off the edge, other types, undecodable bytes', async () => {
    const source = await png(6, 4);
    assert.deepEqual(
      Buffer.from(await transformImage(source, '.png', imageRequestOf(query('width=10&height=10'), '.png')!)),
      source,
    );
    assert.deepEqual(
      await size(
        await transformImage(source, '.png', imageRequestOf(query('crop_x1=0&crop_y1=0&crop_x2=9&crop_y2=3'), '.png')!),
      ),
      [6, 4],
    );
    assert.equal(imageRequestOf(query('width=2'), '.txt'), null);
    assert.equal(
      imageRequestOf(query('crop_x1=1&crop_x2=2&crop_y2=2'), '.webp')?.crop ?? null,
      null,
      'no crop for webp',
    );
    const garbage = Buffer.from('not an image');
    assert.equal(await transformImage(garbage, '.png', imageRequestOf(query('width=2'), '.png')!), garbage);
  });
});
