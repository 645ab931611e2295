// The file system as the editor sees it: open documents (possibly unsaved) shadow the disk, so a
// modulefile is checked against the wrapper text being typed in another tab.
import { realFileSystem, type FileSystemView } from '../core/analysis/env';

export function overlayFileSystem(
  openText: (path: string) => string | undefined,
  disk: FileSystemView = realFileSystem,
): FileSystemView {
  return {
    kind: (path) => (openText(path) !== undefined ? 'file' : disk.kind(path)),
    readText: (path) => openText(path) ?? disk.readText(path),
    size: (path) => {
      const text = openText(path);
      return text !== undefined ? Buffer.byteLength(text) : disk.size(path);
    },
    readStart: (path, bytes) => openText(path)?.slice(0, bytes) ?? disk.readStart?.(path, bytes),
    isExecutable: (path) => disk.isExecutable(path),
    listDir: (path) => disk.listDir(path),
    linkTarget: (path) => (openText(path) !== undefined ? undefined : disk.linkTarget?.(path)),
    // Images are never open documents: read from the disk (core/image caches by identity).
    imageFacts: disk.imageFacts && ((path) => disk.imageFacts!(path)),
    imageLookup: disk.imageLookup && ((image, paths, prefixes) => disk.imageLookup!(image, paths, prefixes)),
  };
}
