/**
 * The files loaded in the Data view and what the train worker found in them, shared with
 * the Train view (module state: it outlives switching views, not a reload).
 */
import type { DatasetInfo } from '../lab/lab-api';

class LoadedDataset {
  files: File[] = $state.raw([]);
  info: DatasetInfo | null = $state.raw(null);

  set(files: File[], info: DatasetInfo | null) {
    this.files = files;
    this.info = info;
  }
}

export const loadedDataset = new LoadedDataset();
