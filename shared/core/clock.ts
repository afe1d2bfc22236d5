/** Now, as a port: tests and benchmarks control time through it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
