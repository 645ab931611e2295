// capture-file-unreadable: the file a capture('cat F') reads is a FIFO, device or socket (never
// opened by the check), or is over the read limit, so the load message is not checked.
import type { ModulefileRule } from '../../modulefile/analyze';

export const captureUnreadable: ModulefileRule = (ctx) =>
  ctx.paths
    .filter((p) => p.role === 'capture-file' && p.value !== undefined && (p.exists === 'other' || (p.exists === 'file' && p.notRead === true)))
    .map((p) => ({
      range: p.range,
      severity: 'warning' as const,
      code: 'capture-file-unreadable',
      message:
        p.exists === 'other'
          ? `file read by capture('cat ...') is not a regular file (a FIFO, device or socket): not read: ${ctx.render(p.value!)}`
          : `file read by capture('cat ...') cannot be read or is over the 1 MiB limit: not read: ${ctx.render(p.value!)}`,
    }));
