import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { useLocalApp } from '../../support/app';
import { waitFor } from '../../support/wait';

/**
 * The README's terminal example, copied and pasted: its shell block runs as written (only the
 * host and port are the test app's), a buyer pays the order it created, and its long-poll answers
 * `PAID`. A placeholder or a step a reader would have to edit fails here.
 */
const README = readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');

const terminalExample = (): string => {
  const after = README.slice(README.indexOf('The same from a terminal:'));
  const block = /```sh\n([\s\S]*?)```/.exec(after)?.[1];
  if (!block) throw new Error('the README has no terminal example');
  return block;
};

const app = useLocalApp();

describe("the README's terminal example", () => {
  it('creates an order, and its long-poll answers PAID once the buyer pays', async () => {
    const { host } = new URL(app().url);
    const script = terminalExample().replaceAll('localhost:3000', host);
    // Placeholders may sit in comments (example answers), never in what runs.
    const commands = script.replace(/\s+#.*$/gm, '');
    expect(commands).not.toMatch(/…|<[a-z-]+>/);

    const shell = spawn('bash', ['-euo', 'pipefail', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    shell.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    shell.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => shell.on('close', resolve));

    const created = await waitFor(
      () => stdout.split('\n')[0]?.startsWith('{') && JSON.parse(stdout.split('\n')[0]!),
      {
        what: 'the created order on the first line',
        timeoutMs: 20_000,
      },
    );
    expect(created).toMatchObject({ status: 'PENDING', orderUrl: expect.any(String) });
    await app().emulator.pay(created.appTransId);

    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ appTransId: created.appTransId, status: 'PAID' });
  });
});
