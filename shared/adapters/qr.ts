import QRCode from 'qrcode';

export type QrFormat = 'svg' | 'png';

export interface QrOptions {
  format: QrFormat;
  /** Width and height in pixels. */
  size: number;
  /** Quiet zone in modules (the QR standard asks for 4). */
  margin: number;
}

export const QR_LIMITS = {
  size: { min: 128, max: 1024, default: 320 },
  margin: { min: 0, max: 16, default: 4 },
} as const;

export interface RenderedQr {
  contentType: string;
  body: Buffer;
}

/**
 * Renders `text` as a QR image. Error correction H (30 %) so a logo can cover the centre and a
 * scuffed screen still scans.
 */
export const renderQr = async (text: string, options: QrOptions): Promise<RenderedQr> => {
  const common = { errorCorrectionLevel: 'H', margin: options.margin, width: options.size } as const;
  if (options.format === 'png') {
    return { contentType: 'image/png', body: await QRCode.toBuffer(text, { ...common, type: 'png' }) };
  }
  const svg = await QRCode.toString(text, { ...common, type: 'svg' });
  return { contentType: 'image/svg+xml', body: Buffer.from(svg, 'utf8') };
};
