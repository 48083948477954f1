import type { FitProgress } from '../util';

/** The reference implementation's names (ctgan.CTGAN), so settings carry over from Python. */
export interface CtganParams {
  /** size of the generator's noise input */
  embedding_dim: number;
  /** widths of the generator's residual blocks */
  generator_dim: number[];
  /** widths of the critic's hidden layers */
  discriminator_dim: number[];
  generator_lr: number;
  /** Adam's (L2-coupled) weight decay, as PyTorch's Adam(weight_decay=…) */
  generator_decay: number;
  discriminator_lr: number;
  discriminator_decay: number;
  /** rows per step; a multiple of pac */
  batch_size: number;
  /** critic steps per generator step */
  discriminator_steps: number;
  /** training-by-sampling picks classes ∝ log(1 + count) (true) or ∝ count (false) */
  log_frequency: boolean;
  /**
   * as the reference. Fewer leave the class conditioning unlearned: with pac = 10 a
   * trivially class-determined toy needed about 2,000 steps (steps per epoch are
   * max(1, ⌊n / batch_size⌋), so small sets need many epochs)
   */
  epochs: number;
  /** rows the critic judges together, against mode collapse */
  pac: number;
  /** most Gaussian modes per column (the reference's max_clusters) */
  max_modes: number;
  /** modes lighter than this are dropped */
  weight_threshold: number;
  /** rows the mixtures are fitted on, drawn at random beyond it (EM time grows with the rows) */
  max_mixture_rows: number;
  random_state: number;
}

export const CTGAN_DEFAULTS: Readonly<CtganParams> = {
  embedding_dim: 128,
  generator_dim: [256, 256],
  discriminator_dim: [256, 256],
  generator_lr: 2e-4,
  generator_decay: 1e-6,
  discriminator_lr: 2e-4,
  discriminator_decay: 1e-6,
  batch_size: 500,
  discriminator_steps: 1,
  log_frequency: true,
  epochs: 300,
  pac: 10,
  max_modes: 10,
  weight_threshold: 0.005,
  max_mixture_rows: 10_000,
  random_state: 0,
};

/** Stage 'modes' per column while the mixtures are fitted, then 'epoch'. */
export interface CtganProgress extends FitProgress {
  /** per epoch: `loss` is the generator's, −E[critic(fake)] + class cross-entropy; this is the critic's E[critic(fake)] − E[critic(real)], without the penalty */
  criticLoss?: number;
}

/** FitOptions whose progress also hears the critic's loss (either passes as the other). */
export interface CtganFitOptions {
  progress?: (p: CtganProgress) => void;
  signal?: AbortSignal;
}

/** Per epoch, the means over its steps. */
export interface CtganHistory {
  generatorLoss: number[];
  criticLoss: number[];
}
