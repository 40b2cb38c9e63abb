import type { EvaluationReport } from './training';

/** A model the app knows, as the model library lists it. */
export interface ModelEntry {
  /** `bundled:<folder>` or `user:<folder>`. */
  id: string;
  name: string;
  architecture: string;
  /** Shipped with the app: cannot be renamed or deleted. */
  bundled: boolean;
  /** Where it was trained from. */
  dataset: string;
  createdAt: string;
  epochs: number;
  /** The epoch whose weights it holds, when that is not the last: picked by its validation score. */
  keptEpoch?: number;
  /** When it was evaluated: on which faces, how it scored, and how honest its confidence is. */
  accuracy?: number;
  macroF1?: number;
  evaluatedOn?: Pick<EvaluationReport, 'split' | 'images' | 'testTimeFlip' | 'testTimeShifts'>;
  /** Expected calibration error of the probabilities it shows. */
  ece?: number;
  /** The training run that made it, when it was trained in the app. */
  runId?: number;
}
