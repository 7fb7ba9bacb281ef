import type { StoreKind } from '../runs/types';
import { detectDvcliveStore } from '../dvclive/dvcliveStore';
import { detectLightningCsvStore } from '../lightning/lightningStore';
import { detectTensorboardStore } from '../tensorboard/detectTensorboardStore';

/**
 * Recognizes a folder as part of a log store other than MLflow's (dvclive, Lightning CSV, TensorBoard). The workspace
 * search calls every detector on every folder it visits, so a detector costs at most a stat or a readdir.
 * Returns the absolute root of the store the folder belongs to (the folder itself or an ancestor).
 */
export interface StoreDetector {
  kind: Exclude<StoreKind, 'mlflow-file' | 'mlflow-sqlite' | 'mlflow-rest'>;
  detect(dir: string, entryNames: ReadonlySet<string>): Promise<string | undefined>;
}

/** The log-folder sources the workspace search knows. */
export const STORE_DETECTORS: readonly StoreDetector[] = [
  { kind: 'dvclive', detect: detectDvcliveStore },
  { kind: 'lightning-csv', detect: detectLightningCsvStore },
  { kind: 'tensorboard', detect: detectTensorboardStore },
];
