/**
 * A Playwright reporter, next to the list reporter, that prints why each skipped test was skipped: the
 * list reporter marks a skipped test with "-" and counts it, but does not show the reason given to
 * `test.skip(condition, reason)`. Printed after the run, one line per test.
 */
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SkipReasonReporter implements Reporter {
  private readonly skipped: string[] = [];

  printsToStdio(): boolean {
    return true;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== 'skipped') return;
    const reasons = [...result.annotations, ...test.annotations]
      .filter((a) => (a.type === 'skip' || a.type === 'fixme') && a.description)
      .map((a) => a.description!);
    const title = test.titlePath().filter(Boolean).join(' › ');
    this.skipped.push(`  ${title}: ${[...new Set(reasons)].join('; ') || 'no reason given'}`);
  }

  onEnd(_result: FullResult): void {
    if (this.skipped.length === 0) return;
    process.stdout.write(['', 'Skipped, with the reason:', ...this.skipped, ''].join('\n'));
  }
}
