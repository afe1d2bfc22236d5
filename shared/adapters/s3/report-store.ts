import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReportStore } from '../../core/ports/reports';

/**
 * {@link ReportStore} on an S3 bucket. The bucket's default encryption applies (the stack sets it);
 * each report is one PutObject, so a reader never sees half of one.
 */
export class S3ReportStore implements ReportStore {
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor({ client, bucket }: { client: S3Client; bucket: string }) {
    this.#client = client;
    this.#bucket = bucket;
  }

  async put(name: string, body: string, contentType: string): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({ Bucket: this.#bucket, Key: name, Body: body, ContentType: contentType }),
    );
  }
}
