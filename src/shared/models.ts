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
  /** On its dataset's test split, when it was evaluated. */
  accuracy?: number;
  macroF1?: number;
  /** The training run that made it, when it was trained in the app. */
  runId?: number;
}
