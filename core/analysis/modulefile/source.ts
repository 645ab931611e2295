// Offsets to LSP positions for one source text (line starts computed once).
import type { Position, Range } from '../types';

export class SourceMap {
  private readonly lineStarts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }
  /** The line of the last answer: the evaluator asks in source order, mostly on that line or the next. */
  private lastLine = 0;
  position(offset: number): Position {
    const starts = this.lineStarts;
    const last = this.lastLine;
    if (starts[last] <= offset && (last + 1 === starts.length || offset < starts[last + 1]))
      return { line: last, character: offset - starts[last] };
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.lastLine = lo;
    return { line: lo, character: offset - this.lineStarts[lo] };
  }
  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }
  lineCount(): number {
    return this.lineStarts.length;
  }
}
