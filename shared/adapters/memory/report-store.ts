import type { ReportStore } from '../../core/ports/reports';

/** {@link ReportStore} in memory: what a run wrote, by name, for tests. */
export class InMemoryReportStore implements ReportStore {
  readonly reports = new Map<string, { body: string; contentType: string }>();

  async put(name: string, body: string, contentType: string): Promise<void> {
    this.reports.set(name, { body, contentType });
  }
}
