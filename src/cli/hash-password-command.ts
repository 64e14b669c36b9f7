/**
 * `qrgate hash-password`: reads the technician password (typed twice without echo on a terminal, or one line from
 * standard input in a script) and prints the line for `http.passwordHashFile`. The password never appears as an
 * argument, so it is not left in the shell history or in `ps`; the prompts go to stderr, so stdout holds only the
 * hash line.
 */
import { Command } from 'commander';
import { hashPassword } from '../http/auth/password.js';
import { readPassword } from './read-password.js';

export function hashPasswordCommand(): Command {
  return new Command('hash-password')
    .description('make the technician password line for http.passwordHashFile (scrypt)')
    .addHelpText(
      'after',
      '\nExample:  qrgate hash-password > /etc/qrgate/tech.hash && chmod 600 /etc/qrgate/tech.hash\nIn a script:  printf %s "$PASSWORD" | qrgate hash-password > tech.hash',
    )
    .action(async () => {
      const password = await readPassword('New technician password: ');
      process.stdout.write(`${await hashPassword(password)}\n`);
    });
}
