// Finding messages fit the Problems panel: the point first, at most MAX_MESSAGE characters; the
// explanation is the code's documentation (docs/diagnostics/CODE.md). A value a message names (a
// path, a module list) is shortened in the middle to fit, keeping its start and its file name.

export const MAX_MESSAGE = 100;

/** `text` in at most `room` characters: its middle replaced by '…' when longer. */
export function shortened(text: string, room: number): string {
  if (text.length <= room) return text;
  if (room <= 1) return '…';
  const tail = Math.ceil((room - 1) / 2);
  return `${text.slice(0, room - 1 - tail)}…${text.slice(text.length - tail)}`;
}

/** `point: value`, the value shortened so that the whole fits MAX_MESSAGE. */
export function withValue(point: string, value: string): string {
  return `${point}: ${shortened(value, MAX_MESSAGE - point.length - 2)}`;
}

/** A message from elsewhere (Lua's, an exception's) cut at MAX_MESSAGE. */
export function clipped(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 1)}…`;
}
