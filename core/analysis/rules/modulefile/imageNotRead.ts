// image-not-read: the module's image exists here but could not be read (not a SIF or squashfs,
// truncated, unreadable): the image checks are skipped, and this note says why. An empty file is
// a placeholder (tests, a project whose images come later): no note.
import type { ModulefileRule } from './types';

export const imageNotRead: ModulefileRule = (ctx) => {
  const image = ctx.image;
  if (!image || image.outcome.ok || image.outcome.placeholder) return [];
  const why = image.outcome.message.replace(`${image.path}: `, '');
  return [
    {
      range: image.range,
      severity: 'hint',
      code: 'image-not-read',
      message: `Image not read, its checks skipped: ${why}`.slice(0, 100),
    },
  ];
};
