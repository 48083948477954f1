/** Saves blobs as downloads, one per file; a path's folders become part of the name (member-0/weights.bin → member-0_weights.bin). */
export async function downloadFiles(files: { name: string; blob: Blob }[]): Promise<void> {
  for (const f of files) {
    const url = URL.createObjectURL(f.blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = f.name.replaceAll('/', '_');
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
    // the download has the blob; give it a moment before letting go
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    // browsers drop some of several downloads started at once
    await new Promise((r) => setTimeout(r, 150));
  }
}
