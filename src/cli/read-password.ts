/**
 * A password from the person at the terminal (typed twice, no echo) or, in a script, one line of standard input;
 * never an argument (shell history, `ps`). Shared by `hash-password` and `central user add`.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { UsageError } from './usage-error.js';

export const MIN_PASSWORD_LENGTH = 8;

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function ask(prompt: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

export async function readPassword(prompt: string): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await ask(prompt);
    if ((await ask('Again: ')) !== password) throw new UsageError('the two passwords differ');
  } else {
    password = await readStdinLine();
  }
  if ([...password].length < MIN_PASSWORD_LENGTH) throw new UsageError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  return password;
}
