import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** What a QR code in a PNG encodes, read from its pixels as a phone camera would, and its width. */
export const decodeQrPng = (bytes: Uint8Array | ArrayBuffer): { text: string | undefined; width: number } => {
  const png = PNG.sync.read(Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes));
  return { text: jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data, width: png.width };
};
