/**
 * Questions on a terminal (readline). A secret is typed without echo: readline writes through an output stream
 * that is muted while the secret is read, so neither the characters nor their count reach the screen.
 */
import { createInterface, type Interface } from 'node:readline/promises';
import { Writable } from 'node:stream';

class MutableOutput extends Writable {
  muted = false;
  constructor(private readonly target: NodeJS.WriteStream) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.muted) callback();
    else this.target.write(chunk, callback);
  }
}

export interface AskOptions {
  /** Shown in brackets and returned on an empty answer. */
  readonly current?: string | undefined;
  /** An error message for an unacceptable answer, or null; the question is asked again. */
  readonly check?: (answer: string) => string | null;
}

export class Prompter {
  private readonly output: MutableOutput;
  private readonly rl: Interface;

  constructor(
    private readonly input: NodeJS.ReadStream = process.stdin,
    private readonly screen: NodeJS.WriteStream = process.stdout,
  ) {
    this.output = new MutableOutput(screen);
    this.rl = createInterface({ input: this.input, output: this.output, terminal: true });
    // In raw mode Ctrl-C reaches readline, not the process; without this it would only pause the input.
    this.rl.on('SIGINT', () => {
      this.screen.write('\nInterrupted: nothing was saved.\n');
      process.exit(130);
    });
  }

  say(text: string): void {
    this.screen.write(text);
  }

  async ask(question: string, options: AskOptions = {}): Promise<string> {
    for (;;) {
      const suffix = options.current !== undefined && options.current !== '' ? ` [${options.current}]` : '';
      const answer = (await this.rl.question(`${question}${suffix}: `)).trim();
      const value = answer === '' ? (options.current ?? '') : answer;
      const problem = options.check?.(value) ?? null;
      if (problem === null) return value;
      this.say(`  ${problem}\n`);
    }
  }

  /** An empty answer returns null ("keep what is there"). */
  async askSecret(question: string): Promise<string | null> {
    this.screen.write(`${question}: `);
    this.output.muted = true;
    try {
      const answer = await this.rl.question('');
      return answer === '' ? null : answer;
    } finally {
      this.output.muted = false;
      this.screen.write('\n');
    }
  }

  async confirm(question: string, byDefault: boolean): Promise<boolean> {
    const answer = (await this.rl.question(`${question} ${byDefault ? '[Y/n]' : '[y/N]'}: `)).trim().toLowerCase();
    if (answer === '') return byDefault;
    return answer === 'y' || answer === 'yes' || answer === 'c' || answer === 'có';
  }

  close(): void {
    this.rl.close();
  }
}
