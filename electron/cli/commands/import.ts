/**
 * `import --file FILE [--format F] [--name N] [--task T] [--encoding E] [--json]`
 *
 * Imports a dataset file into the app's database in --data-dir (the same store the app uses): the format
 * is detected unless given, every record goes in one transaction, and a malformed file imports nothing
 * and fails naming file:line.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetFormatSchema, datasetTaskSchema } from '../../../shared/ipc';
import { ServiceError } from '../../services/errors';
import { createServices } from '../../services/services';
import { CliError, parseCommandArgs, usageLine, type Command } from '../command';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const command: Command = {
  name: 'import',
  summary: 'import a dataset file (NER, classification, pair, QA, MC) into the data dir',
  usage: [
    'import --file FILE [--format F] [--name NAME] [--task T] [--encoding E] [--json]',
    '',
    'Reads FILE, detects its format (or uses --format), and stores every record in the database of',
    '--data-dir in one transaction, with the label set and the warnings (file:line). Prints a summary,',
    'or the full result as JSON with --json.',
    `Formats: ${datasetFormatSchema.options.join(', ')}.`,
    `Tasks: ${datasetTaskSchema.options.join(', ')} (refuses a file of another task).`,
  ].join('\n'),
  async run(args, context) {
    const { values } = parseCommandArgs(command, args, {
      file: { type: 'string' },
      format: { type: 'string' },
      name: { type: 'string' },
      task: { type: 'string' },
      encoding: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (!values.file) throw new CliError(`import: --file is required. ${usageLine(command)}`);
    const format = values.format === undefined ? undefined : datasetFormatSchema.safeParse(values.format);
    if (format && !format.success) {
      throw new CliError(
        `import: --format must be one of ${datasetFormatSchema.options.join(', ')}, got "${values.format}"`,
      );
    }
    const task = values.task === undefined ? undefined : datasetTaskSchema.safeParse(values.task);
    if (task && !task.success) {
      throw new CliError(
        `import: --task must be one of ${datasetTaskSchema.options.join(', ')}, got "${values.task}"`,
      );
    }
    const services = await createServices({
      dataDir: context.dataDir,
      resourcesDir: join(repoRoot, 'resources'),
      host: 'serve',
    });
    try {
      const summary = await services.datasetStore.import({
        path: resolve(values.file),
        format: format?.data,
        task: task?.data,
        name: values.name,
        encoding: values.encoding,
      });
      if (values.json) {
        context.out(JSON.stringify(summary, null, 2));
        return 0;
      }
      const { dataset } = summary;
      context.out(
        `Imported ${summary.examples} ${dataset.task} records (${summary.spans} spans) from ${dataset.sourceFile} ` +
          `as "${dataset.name}" (${dataset.format}) in ${(summary.durationMs / 1000).toFixed(1)} s.`,
      );
      context.out(`Dataset id: ${dataset.id}`);
      if (dataset.labels.length > 0) context.out(`Labels: ${dataset.labels.map((l) => l.name).join(', ')}`);
      for (const warning of summary.warnings) context.out(`${warning.severity}: ${warning.message}`);
      return 0;
    } catch (error) {
      if (error instanceof ServiceError) throw new CliError(`import: ${error.message}`, { cause: error });
      throw error;
    } finally {
      services.close();
    }
  },
};
