// capture-file-unreadable: the file a capture('cat F') reads is a FIFO, device or socket (never
// opened by the check): `cat` would hang or stream without end at every module load.
import type { ModulefileRule } from './types';
import { withValue } from '../../messages';

export const captureUnreadable: ModulefileRule = (ctx) =>
  ctx.paths
    .filter((p) => p.role === 'capture-file' && p.value !== undefined && p.exists === 'other')
    .map((p) => ({
      range: p.range,
      severity: 'warning' as const,
      code: 'capture-file-unreadable',
      message: withValue("capture('cat F') names a FIFO, device or socket: never read", ctx.render(p.value!)),
    }));
