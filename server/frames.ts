// Checks the framing of what the client sends over stdio before the JSON-RPC reader sees it. A
// header the reader cannot take (a negative or non-numeric Content-Length, lines ended by LF
// alone, a line that is no `Name: value`, no Content-Length, a header that never ends) would leave
// the server alive but deaf: every later byte waits behind it. Such a frame ends the process with
// one line on stderr, so that the client sees the exit and restarts the server.
import { Transform, type TransformCallback } from 'node:stream';

/** Longer than any real header (VS Code sends two short lines). */
const MAX_HEADER_BYTES = 8192;
const CRLF2 = Buffer.from('\r\n\r\n');

/** What is wrong with a header block (the bytes before CR LF CR LF), or its body length. */
export function checkHeader(header: string): { length: number } | { problem: string } {
  let length: number | undefined;
  for (const line of header.split('\r\n')) {
    if (line.includes('\n')) return { problem: 'a header line ends with LF alone, not CR LF' };
    const m = /^([A-Za-z0-9-]+):[ \t]*(.*)$/.exec(line);
    if (!m) return { problem: `a header line is not "Name: value": ${JSON.stringify(line.slice(0, 60))}` };
    if (m[1].toLowerCase() !== 'content-length') continue;
    if (!/^\d{1,10}$/.test(m[2].trim()))
      return { problem: `Content-Length is not a byte count: ${JSON.stringify(m[2].slice(0, 30))}` };
    length = Number(m[2].trim());
  }
  return length === undefined ? { problem: 'the header has no Content-Length' } : { length };
}

/** Passes well-framed messages through; calls `fatal` once at the first malformed header. */
export function frameChecker(fatal: (problem: string) => void): Transform {
  let pending = Buffer.alloc(0);
  let bodyLeft = 0;
  let failed = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (failed) return done();
      let data = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      pending = Buffer.alloc(0);
      while (data.length > 0) {
        if (bodyLeft > 0) {
          const take = Math.min(bodyLeft, data.length);
          this.push(data.subarray(0, take));
          bodyLeft -= take;
          data = data.subarray(take);
          continue;
        }
        const end = data.indexOf(CRLF2);
        if (end === -1) {
          // A lone LF-ended header never gets its CR LF CR LF: said as soon as it shows.
          if (/\n\n/.test(data.toString('latin1')) || data.length > MAX_HEADER_BYTES) {
            failed = true;
            fatal(
              data.length > MAX_HEADER_BYTES
                ? `a header of more than ${MAX_HEADER_BYTES} bytes without its end (CR LF CR LF)`
                : 'a header line ends with LF alone, not CR LF',
            );
            return done();
          }
          pending = Buffer.from(data);
          break;
        }
        const verdict = checkHeader(data.subarray(0, end).toString('latin1'));
        if ('problem' in verdict) {
          failed = true;
          fatal(verdict.problem);
          return done();
        }
        this.push(data.subarray(0, end + CRLF2.length));
        bodyLeft = verdict.length;
        data = data.subarray(end + CRLF2.length);
      }
      done();
    },
  });
}
