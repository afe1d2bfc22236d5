import { createServer } from 'node:http';
import { listen } from '../server';
import { ZaloPayEmulator, type ZaloPayEmulatorOptions } from './emulator';

/** A standalone emulator on loopback. */
export interface EmulatorServer {
  /** `http://127.0.0.1:<port>`: the API base URL and the emulator's `baseUrl`. */
  url: string;
  emulator: ZaloPayEmulator;
  /** Closes the emulator (pending retries and timers included), then the server and its connections. */
  close(): Promise<void>;
}

/** Starts an emulator on its own HTTP server at 127.0.0.1 on a free port (for tests). */
export const startEmulatorServer = async (
  options: Omit<ZaloPayEmulatorOptions, 'baseUrl'>,
): Promise<EmulatorServer> => {
  let emulator: ZaloPayEmulator | undefined;
  // Requests cannot arrive before listen() resolves, and by then the emulator exists.
  const server = createServer((req, res) => void emulator?.handle(req, res, req.url ?? '/'));
  const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  const started = new ZaloPayEmulator({ ...options, baseUrl: url });
  emulator = started;
  return {
    url,
    emulator: started,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await started.close();
      server.closeAllConnections();
      await closed;
    },
  };
};
