/**
 * Files from a drop, folders included (read recursively, every batch of a folder's
 * entries), keeping only the files `keep` accepts (CSV files and packet captures, also gzipped, by default). A file
 * dropped on its own is always kept: the reader then says what is wrong with it.
 * Files from inside a folder keep their path below the drop in `webkitRelativePath`
 * (as a folder pick gives it), so a saved model's folder keeps its layout. That
 * property is lost on the way to a worker: `TrainClient.loadModelFiles` sends the paths
 * beside the files.
 */
export const DATA_FILE = /\.(csv|pcap|pcapng|cap)(\.gz)?$/i;
export const MODEL_FILE = /\.(json|bin)$/i;

export async function filesFromDrop(transfer: DataTransfer, keep: RegExp = DATA_FILE): Promise<File[]> {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return [...transfer.files];
  const files: File[] = [];
  for (const entry of entries) await collect(entry, files, keep);
  return files.sort((a, b) => pathOf(a).localeCompare(pathOf(b)));
}

async function collect(entry: FileSystemEntry, out: File[], keep: RegExp): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    const path = entry.fullPath.replace(/^\//, '');
    const inFolder = path.includes('/');
    if (!keep.test(file.name) && inFolder) return;
    if (inFolder) {
      try {
        Object.defineProperty(file, 'webkitRelativePath', { value: path });
      } catch {
        /* the path is a convenience; the name alone still reads */
      }
    }
    out.push(file);
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await collect(child, out, keep);
  }
}

/** the file's path below a dropped or picked folder, else its name */
export function pathOf(file: File): string {
  return (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
}
