/**
 * Powertools Tracer as a no-op, for the bundles benchmark's "what does Tracer cost" row: the
 * surface our functions use, without the X-Ray SDK behind it. Never deployed.
 */
export class Tracer {
  captureAWSv3Client<T>(client: T): T {
    return client;
  }
}

export const captureLambdaHandler = () => ({ before: () => undefined });
