/**
 * `qrgate hash-password`: reads the technician password (typed twice without echo on a terminal, or one line from
 * standard input in a script) and prints the line for `http.passwordHashFile`. The password never appears as an
 * argument, so it is not left in the shell history or in `ps`.
 */
import { Command } from 'commander';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { hashPassword } from '../http/auth/password.js';
import { UsageError } from './usage-error.js';

const MIN_LENGTH = 8;

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks on the terminal with echo off: the prompt goes to stderr, so stdout holds only the hash line. */
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

export function hashPasswordCommand(): Command {
  return new Command('hash-password')
    .description('make the technician password line for http.passwordHashFile (scrypt)')
    .addHelpText('after', '\nExample:  qrgate hash-password > /etc/qrgate/tech.hash && chmod 600 /etc/qrgate/tech.hash\nIn a script:  printf %s "$PASSWORD" | qrgate hash-password > tech.hash')
    .action(async () => {
      let password: string;
      if (process.stdin.isTTY) {
        password = await ask('New technician password: ');
        if ((await ask('Again: ')) !== password) throw new UsageError('the two passwords differ');
      } else {
        password = await readStdinLine();
      }
      if ([...password].length < MIN_LENGTH) throw new UsageError(`the password must have at least ${MIN_LENGTH} characters`);
      process.stdout.write(`${await hashPassword(password)}\n`);
    });
}
