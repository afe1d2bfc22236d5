import { runCli } from './zp';

/** `npm run zp -- <command>`: the operator CLI (cli/zp.ts). */
process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  env: process.env,
  fetch,
  progress: (text) => process.stderr.write(text),
  isTTY: process.stderr.isTTY === true,
});
