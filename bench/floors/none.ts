/** The floor of a function that uses no AWS SDK client (the demo pages): nothing at all. */
export const handler = async (): Promise<void> => undefined;
