// Reads one line from the terminal, without echo for secrets (passphrases, 2FA codes).
import type { ReadStream } from 'node:tty';
import type { CliIO } from './io';

export function readSecret(io: CliIO, prompt: string, echo = false): Promise<string> {
  const input = io.stdin as ReadStream;
  io.stderr.write(prompt);
  return new Promise((resolve) => {
    let answer = '';
    const raw = typeof input.setRawMode === 'function';
    if (raw) input.setRawMode(true);
    input.resume();
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          input.off('data', onData);
          if (raw) input.setRawMode(false);
          input.pause();
          io.stderr.write('\n');
          resolve(answer);
          return;
        }
        if (ch === '\u0003') {
          if (raw) input.setRawMode(false);
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else {
          answer += ch;
          if (echo) io.stderr.write(ch);
        }
      }
    };
    input.on('data', onData);
  });
}
