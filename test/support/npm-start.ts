import { type ChildProcess, spawn } from 'node:child_process';
import { waitFor } from './wait';

/** The runtime `npm start` runs, as its own process. */
export interface NpmStart {
  /** The process (tsx, which starts node). */
  child(): ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Where it serves, read from its banner. */
  url(): string;
}

/**
 * `npm start` as a user runs it (tsx, a real process, a free port), for the calling test file:
 * started in `beforeAll` with `env` on top of this process's environment, and killed in `afterAll`
 * with its whole process group.
 */
export const useNpmStart = (env: () => Record<string, string>): NpmStart => {
  let child: ChildProcess | undefined;
  let output = '';
  let url = '';
  beforeAll(async () => {
    child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'local/main.ts'], {
      env: { ...process.env, PORT: '0', ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that afterAll can end tsx and the node process it starts together.
      detached: true,
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    // tsx compiles the sources as it loads them: a few seconds, over 30 s on a loaded machine.
    url = await waitFor(() => /Checkout page\s+(http:\/\/\S+?)\/\s/.exec(output)?.[1], {
      timeoutMs: 60_000,
      what: 'the banner',
    });
  }, 65_000);
  afterAll(() => {
    // The whole group: killing tsx alone left the app running, and its output pipes kept Jest from exiting.
    try {
      process.kill(-child!.pid!, 'SIGKILL');
    } catch {
      // Already gone (a test may stop it itself, with Ctrl-C).
    }
  });
  return {
    child: () => child!,
    output: () => output,
    url: () => url,
  };
};
