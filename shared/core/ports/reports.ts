/** Where finished reports go: an S3 bucket on AWS (docs/reconciliation.md §6). */
export interface ReportStore {
  /** Stores `body` under `name` (e.g. `reports/2026-11-28.csv`), replacing what was there. */
  put(name: string, body: string, contentType: string): Promise<void>;
}
