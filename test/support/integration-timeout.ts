import { jest } from '@jest/globals';

// The integration project's time limit per test and hook (jest.config.js; Jest 30 ignores a
// project's own `testTimeout`). Not a performance limit: these tests run the AWS SDK, dynalite and
// HTTP servers inside Jest's VM context, where every global lookup is slow (one status check takes
// ~0.2 s there, a few ms in plain Node), so the steps of one test add up to more than Jest's
// default 5 s on a loaded 2-core machine. Tests that promise an answer "at once" measure it.
jest.setTimeout(30_000);
