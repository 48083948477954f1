/** Progress of a long fit, reported a few times a second at most. */
export interface FitProgress {
  /** what is being done, e.g. "epoch" or "tree" */
  stage: string;
  done: number;
  total: number;
  /** training loss, where the model has one */
  loss?: number;
  /** validation loss, where the model has one */
  valLoss?: number;
}

/** What every fit (detector, classifier, balancer) takes besides its data. */
export interface FitOptions {
  progress?: (p: FitProgress) => void;
  /** aborting it stops the fit with an AbortError at the next step */
  signal?: AbortSignal;
}
