import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/**
 * The time limit of a test that renders or decodes a PNG QR code. Not a performance limit: inside
 * Jest's VM context every global lookup in a hot loop is slow (pngjs's filters call `Math.abs` per
 * byte), so one 320 px PNG takes ~4.5 s to render and ~1 s to decode here, against ~60 ms in
 * plain Node. The slowest such test takes ~10 s on an idle 2-core machine, four times that on a
 * heavily loaded one.
 */
export const PNG_TEST_TIMEOUT_MS = 120_000;

/** What a QR code in a PNG encodes, read from its pixels as a phone camera would, and its width. */
export const decodeQrPng = (bytes: Uint8Array | ArrayBuffer): { text: string | undefined; width: number } => {
  const png = PNG.sync.read(Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes));
  return { text: jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data, width: png.width };
};
