/**
 * A vitest reporter, next to the default one, that lists the tests skipped with a reason
 * (`context.skip(condition, reason)`): the default reporter shows only a count of skipped tests, so a test
 * that never runs on a machine would otherwise say nothing about why. One line per file and reason.
 */
import type { Reporter, TestModule, Vitest } from 'vitest/node';

/** "file: N tests skipped: reason" lines for the skipped tests that carry a note, in file order. */
export function skipReasonLines(modules: ReadonlyArray<TestModule>): string[] {
  const lines: string[] = [];
  for (const module of modules) {
    const counts = new Map<string, number>();
    for (const test of module.children.allTests('skipped')) {
      const result = test.result();
      if (result.state !== 'skipped' || !result.note) continue;
      counts.set(result.note, (counts.get(result.note) ?? 0) + 1);
    }
    for (const [note, count] of counts) {
      lines.push(`${module.relativeModuleId}: ${count} test${count === 1 ? '' : 's'} skipped: ${note}`);
    }
  }
  return lines;
}

export default class SkipReasonReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines = skipReasonLines(modules);
    if (lines.length === 0) return;
    const log = (text: string) => (this.vitest ? this.vitest.logger.log(text) : console.log(text));
    log(['Skipped, with the reason:', ...lines.map((l) => `  ${l}`), ''].join('\n'));
  }
}
