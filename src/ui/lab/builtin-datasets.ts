/**
 * The flows shipped with the site (public/datasets, made by `npm run build-defaults`):
 * listed from its index and fetched from this origin as ordinary files, so they go
 * through the same reading as a dropped capture.
 */
export interface BuiltinDataset {
  file: string;
  scenario: string;
  seed: number;
  rows: number;
  bytes: number;
}

const base = `${import.meta.env.BASE_URL}datasets/`;

export async function listBuiltinDatasets(): Promise<BuiltinDataset[]> {
  const response = await fetch(`${base}index.json`);
  if (!response.ok) throw new Error(`the built-in datasets could not be listed (HTTP ${response.status})`);
  return ((await response.json()) as { datasets: BuiltinDataset[] }).datasets;
}

export async function fetchBuiltinDataset(d: BuiltinDataset): Promise<File> {
  const response = await fetch(base + d.file);
  if (!response.ok) throw new Error(`${d.file} could not be fetched (HTTP ${response.status})`);
  return new File([await response.blob()], d.file, { type: 'text/csv' });
}
