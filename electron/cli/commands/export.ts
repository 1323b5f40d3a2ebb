/**
 * `export --dataset ID|NAME --format F --out FILE [--examples done|all]`
 *
 * Writes a stored NER dataset's working annotation (gold + annotator spans) from the database in
 * --data-dir, atomically (temp file + rename): the done examples (default), or all with their status;
 * a format without a status gets a warning on stderr how many sentences were never looked at.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetExportFormatSchema, datasetExportSelectionSchema } from '../../../shared/ipc';
import { ServiceError } from '../../services/errors';
import { createServices } from '../../services/services';
import { CliError, parseCommandArgs, usageLine, type Command } from '../command';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const command: Command = {
  name: 'export',
  summary: 'export a stored NER dataset (BIO, BIOES, ERNIE TSV, CLUENER, JSONL spans, Label Studio)',
  usage: [
    'export --dataset ID|NAME --format F --out FILE [--examples done|all]',
    '',
    'Writes the dataset (by id, or by name when only one has it) from the database of --data-dir.',
    `Formats: ${datasetExportFormatSchema.options.join(', ')}.`,
    '--examples done (default): the examples marked done (all of a corpus imported with its annotation);',
    '--examples all: every example, with its status in jsonl-spans and label-studio (a warning for the others).',
  ].join('\n'),
  async run(args, context) {
    const { values } = parseCommandArgs(command, args, {
      dataset: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      examples: { type: 'string' },
    });
    for (const required of ['dataset', 'format', 'out'] as const) {
      if (!values[required]) throw new CliError(`export: --${required} is required. ${usageLine(command)}`);
    }
    const format = datasetExportFormatSchema.safeParse(values.format);
    if (!format.success) {
      throw new CliError(
        `export: --format must be one of ${datasetExportFormatSchema.options.join(', ')}, got "${values.format}"`,
      );
    }
    const examples = datasetExportSelectionSchema.safeParse(values.examples ?? 'done');
    if (!examples.success) {
      throw new CliError(`export: --examples must be done or all, got "${values.examples}"`);
    }
    const services = await createServices({
      dataDir: context.dataDir,
      resourcesDir: join(repoRoot, 'resources'),
      host: 'serve',
    });
    try {
      const wanted = values.dataset as string;
      const all = services.datasetStore.list();
      let matches = all.filter((d) => d.id === wanted);
      if (matches.length === 0) matches = all.filter((d) => d.name === wanted);
      if (matches.length === 0) {
        throw new CliError(
          `export: no dataset with id or name "${wanted}" in ${context.dataDir}. ` +
            `Stored: ${all.map((d) => `${d.name} (${d.id})`).join(', ') || 'none; import one first'}.`,
        );
      }
      if (matches.length > 1) {
        throw new CliError(
          `export: ${matches.length} datasets are named "${wanted}"; pass one id: ${matches.map((d) => d.id).join(', ')}`,
        );
      }
      const written = await services.datasetStore.export({
        id: matches[0].id,
        format: format.data,
        path: resolve(values.out as string),
        examples: examples.data,
      });
      const left =
        written.skipped > 0 ? `; ${written.skipped} not done left out (--examples all writes them)` : '';
      context.out(
        `Wrote ${written.examples} examples (${written.spans} spans, ${written.bytes} bytes) to ${written.path}${left}.`,
      );
      if (written.warning) context.err(`export: warning: ${written.warning}`);
      return 0;
    } catch (error) {
      if (error instanceof ServiceError) throw new CliError(`export: ${error.message}`, { cause: error });
      throw error;
    } finally {
      services.close();
    }
  },
};
