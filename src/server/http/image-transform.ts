// Image crop and resize on read (`crop_x1..crop_y2`, `width`, `height`, `mode`), with upstream's
// rules, using sharp. Any decode or encode failure serves the original bytes.
import type { Sharp } from 'sharp';
import type { GoQuery } from '../../gocompat/query.ts';

const CROP_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif']);
const RESIZE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp']);
/** Refuse to decode images larger than this many pixels (decompression bombs). */
const MAX_INPUT_PIXELS = 100_000_000;

type SharpFactory = typeof import('sharp')['default'];
/** Loaded on the first image request: the native image library costs start-up time every server pays otherwise. */
let sharpModule: Promise<SharpFactory> | null = null;
function loadSharp(): Promise<SharpFactory> {
  sharpModule ??= import('sharp').then((m) => m.default as SharpFactory);
  return sharpModule;
}

function intParam(query: GoQuery, name: string): number {
  const value = Number.parseInt(query.get(name) ?? '', 10);
  return Number.isFinite(value) ? value : 0;
}

export interface ImageRequest {
  crop: { x1: number; y1: number; x2: number; y2: number } | null;
  resize: { width: number; height: number; mode: string } | null;
}

/** What the query asks of a file with this (lower-case) extension; null when nothing. */
export function imageRequestOf(query: GoQuery, ext: string): ImageRequest | null {
  const x1 = intParam(query, 'crop_x1');
  const y1 = intParam(query, 'crop_y1');
  const x2 = intParam(query, 'crop_x2');
  const y2 = intParam(query, 'crop_y2');
  const crop = CROP_EXTENSIONS.has(ext) && x1 >= 0 && y1 >= 0 && x2 > x1 && y2 > y1 ? { x1, y1, x2, y2 } : null;
  const width = intParam(query, 'width');
  const height = intParam(query, 'height');
  const resize =
    RESIZE_EXTENSIONS.has(ext) && (width > 0 || height > 0)
      ? { width: Math.max(0, width), height: Math.max(0, height), mode: query.get('mode') ?? '' }
      : null;
  return crop === null && resize === null ? null : { crop, resize };
}

function encode(image: Sharp, ext: string): Sharp {
  if (ext === '.jpg' || ext === '.jpeg') return image.jpeg();
  if (ext === '.gif') return image.gif();
  // WebP results are written as PNG, as upstream does.
  return image.png();
}

export async function transformImage(
  data: Uint8Array,
  ext: string,
  request: ImageRequest,
  fixOrientation = true,
): Promise<Uint8Array> {
  try {
    const sharp = await loadSharp();
    let current = Buffer.from(data);
    if (request.crop !== null) {
      const meta = await sharp(current, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
      const { x1, y1, x2, y2 } = request.crop;
      if (meta.width !== undefined && meta.height !== undefined && x2 <= meta.width && y2 <= meta.height) {
        current = await encode(
          sharp(current).extract({ left: x1, top: y1, width: x2 - x1, height: y2 - y1 }),
          ext,
        ).toBuffer();
      }
    }
    if (request.resize !== null) {
      const { width, height, mode } = request.resize;
      let image = sharp(current, { limitInputPixels: MAX_INPUT_PIXELS });
      if (fixOrientation) image = image.rotate();
      const meta = await sharp(current).metadata();
      const srcWidth = meta.width ?? 0;
      const srcHeight = meta.height ?? 0;
      if ((width !== 0 && srcWidth > width) || (height !== 0 && srcHeight > height)) {
        const w = width === 0 ? null : width;
        const h = height === 0 ? null : height;
        if (mode === 'fit') image = image.resize(w, h, { fit: 'inside' });
        else if (mode === 'fill' || (width === height && srcWidth !== srcHeight))
          image = image.resize(w, h, { fit: 'cover', position: 'centre' });
        else image = image.resize(w, h, { fit: w !== null && h !== null ? 'fill' : 'inside' });
        current = await encode(image, ext).toBuffer();
      }
    }
    return current;
  } catch {
    return data;
  }
}
