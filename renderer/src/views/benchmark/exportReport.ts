/**
 * Report export through shared/benchmark's exporters: the finished runs of the grid as Markdown (the paper's
 * table with intervals), CSV (one row per metric) or JSON (every number, settings, hashes, backend, app
 * version). Electron saves through the main side to a path the person types; serve mode downloads a file.
 */
import {
  buildReport,
  reportToCsv,
  reportToJson,
  reportToMarkdown,
} from '../../../../shared/benchmark/report';
import type { BenchmarkRunRecord } from '../../../../shared/benchmark/report';

export type ReportFormat = 'markdown' | 'csv' | 'json';

export const REPORT_FILE: Record<ReportFormat, { extension: string; mime: string; label: string }> = {
  markdown: { extension: 'md', mime: 'text/markdown', label: 'Markdown' },
  csv: { extension: 'csv', mime: 'text/csv', label: 'CSV' },
  json: { extension: 'json', mime: 'application/json', label: 'JSON' },
};

export function renderReport(
  runs: BenchmarkRunRecord[],
  format: ReportFormat,
  info: { appVersion: string; createdAt: string },
): string {
  if (runs.length === 0) throw new Error('No finished runs to export: run the grid first.');
  const report = buildReport(runs, info);
  switch (format) {
    case 'markdown':
      return reportToMarkdown(report);
    case 'csv':
      return reportToCsv(report);
    case 'json':
      return reportToJson(report);
  }
}

/** Offers `content` as a file download (serve mode, or when no path was given). */
export function downloadText(content: string, fileName: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: `${mime};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
