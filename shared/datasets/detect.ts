/**
 * Guesses a dataset file's format from its first kilobytes and its name. The content decides; the
 * file name only breaks ties. The person can always override the guess.
 */
import { planColumns } from './columns';
import { guessUtf16 } from './encoding';
import { DatasetFormatError, quoteSnippet } from './errors';
import type { DatasetFormat, DatasetTask } from './types';
import { DATASET_FORMAT_TASK } from './types';

export interface DetectedFormat {
  format: DatasetFormat;
  task: DatasetTask;
  /** Why this format was chosen, for the import dialog. */
  reason: string;
}

const SAMPLE_CHARS = 64 * 1024;
const TAG_LINE = /^\S+(?:[ \t]\S+)*[ \t](?:O|[BIESMLU]-\S+)$/;
const SPACE_CHAR_TAG_LINE = /^ [ \t](?:O|[BIESMLU]-\S+)$/;

function result(format: DatasetFormat, reason: string): DetectedFormat {
  return { format, task: DATASET_FORMAT_TASK[format], reason };
}

/** Decodes the start of a byte input leniently, enough to detect the format. */
export function sampleText(input: string | Uint8Array, encoding = 'utf-8', fileName = 'dataset'): string {
  if (typeof input === 'string') return input.slice(0, SAMPLE_CHARS);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding);
  } catch {
    throw new DatasetFormatError({
      file: fileName,
      line: 0,
      expected: `a text encoding TextDecoder knows, like "utf-8", "gb18030" or "utf-16le"`,
      found: JSON.stringify(encoding),
    });
  }
  return decoder.decode(input.subarray(0, SAMPLE_CHARS * 4));
}

function jsonObjectFormat(row: Record<string, unknown>): DatasetFormat | null {
  if (
    typeof row.text === 'string' &&
    row.label !== null &&
    typeof row.label === 'object' &&
    !Array.isArray(row.label)
  )
    return 'cluener';
  if (
    typeof row.text === 'string' &&
    (Array.isArray(row.spans) || Array.isArray(row.entities) || Array.isArray(row.label))
  ) {
    return 'jsonl-spans';
  }
  const plan = planColumns(Object.keys(row));
  if (plan) return plan.textB >= 0 ? 'json-pair' : 'json-classification';
  return null;
}

/**
 * `encoding`: the TextDecoder label the file is in (default UTF-8); without it, a file that looks UTF-16
 * is refused with a hint naming the encoding to pick.
 */
export function detectFormat(
  input: string | Uint8Array,
  fileName = 'dataset',
  encoding?: string,
): DetectedFormat {
  if (encoding === undefined && typeof input !== 'string') {
    const utf16 = guessUtf16(input);
    if (utf16) {
      throw new DatasetFormatError({
        file: fileName,
        line: 1,
        expected: 'UTF-8 text, or the encoding option set to the encoding of the file',
        found: `UTF-16 text (${utf16.why})`,
        hint: `Import it again with the encoding set to "${utf16.encoding}", or save it as UTF-8.`,
      });
    }
  }
  let sample = sampleText(input, encoding, fileName);
  if (sample.charCodeAt(0) === 0xfeff) sample = sample.slice(1);
  sample = sample.replace(/\r\n/g, '\n');
  const lower = fileName.toLowerCase();
  const first = sample.search(/\S/);
  if (first < 0)
    throw new DatasetFormatError({
      file: fileName,
      line: 1,
      expected: 'a dataset file',
      found: 'an empty file',
    });
  const head = sample[first];

  if (head === '[') {
    const afterBracket = sample.slice(first + 1).trimStart()[0];
    if (afterBracket === '[') return result('c3', 'a JSON array of arrays ([[sentences], [questions], id])');
    if (/"annotations"\s*:|"predictions"\s*:/.test(sample) && /"data"\s*:\s*\{/.test(sample)) {
      return result(
        'label-studio',
        'a JSON array of tasks with "data" and "annotations" (Label Studio export)',
      );
    }
    if (/"labels"\s*:\s*\[/.test(sample) && /"label"\s*:\s*\[/.test(sample)) {
      return result(
        'label-studio',
        'a JSON array with "label": [{start, end, labels}] (Label Studio JSON-MIN export)',
      );
    }
    if (/"(?:sentence2|text_b|hypothesis|question2)"\s*:/.test(sample)) {
      return result('json-pair', 'a JSON array of records with two texts');
    }
    return result('json-classification', 'a JSON array of records');
  }

  if (head === '{') {
    const firstLine = sample.slice(first, (sample.indexOf('\n', first) + 1 || sample.length + 1) - 1);
    try {
      const row = JSON.parse(firstLine) as unknown;
      if (row && typeof row === 'object' && !Array.isArray(row)) {
        const r = row as Record<string, unknown>;
        if (Array.isArray(r.data)) return result('squad', 'a one-line SQuAD JSON object with "data"');
        const format = jsonObjectFormat(r);
        if (format)
          return result(format, `JSON lines whose first object has keys ${Object.keys(r).join(', ')}`);
        throw new DatasetFormatError({
          file: fileName,
          line: 1,
          expected: 'JSON lines with "text" + "label"/"spans", or "sentence(1/2)" + "label"',
          found: `keys ${Object.keys(r).join(', ')}`,
        });
      }
    } catch (error) {
      if (error instanceof DatasetFormatError) throw error;
      // Not a one-line object: a pretty-printed document.
    }
    if (/"paragraphs"\s*:/.test(sample) || /"qas"\s*:/.test(sample))
      return result('squad', 'a JSON document with "data" → "paragraphs" → "qas" (SQuAD)');
    if (/"data"\s*:\s*\[/.test(sample)) return result('squad', 'a JSON document with a "data" list');
    throw new DatasetFormatError({
      file: fileName,
      line: 1,
      expected: 'JSON lines, a JSON array, or a SQuAD document',
      found: quoteSnippet(sample.slice(first, first + 60)),
    });
  }

  const lines = sample.split('\n');
  if (lines.length > SAMPLE_CHARS / 2 || sample.length === SAMPLE_CHARS) lines.pop(); // last line may be cut
  const firstLines = lines.slice(0, 3).join('\n');
  if (firstLines.includes('\u0002'))
    return result('ernie-tsv', 'rows whose characters and tags are joined by U+0002 (ERNIE/PaddleNLP)');

  const nonBlank = lines.filter((l) => l.trim() !== '').slice(0, 200);
  const tagged = nonBlank.filter((l) => TAG_LINE.test(l) || SPACE_CHAR_TAG_LINE.test(l)).length;
  if (nonBlank.length > 0 && tagged / nonBlank.length >= 0.6 && !lines[0].includes('\t\t')) {
    return result('char-per-line', 'lines of "<char or token> <tag>" with blank lines between sentences');
  }
  // A short file whose untagged lines are single characters is char-per-line with tags missing: reading
  // it as such reports the first line without a tag, instead of "unknown format" at line 1.
  const bareChar = (line: string) => [...line.trim()].length === 1;
  if (
    tagged > 0 &&
    TAG_LINE.test(nonBlank[0]) &&
    nonBlank.every((l) => TAG_LINE.test(l) || SPACE_CHAR_TAG_LINE.test(l) || bareChar(l))
  ) {
    return result('char-per-line', 'lines of "<char> <tag>", some with the tag missing');
  }
  const header = (lines[0] ?? '').split('\t');
  const plan = planColumns(header);
  if (plan) {
    return result(plan.textB >= 0 ? 'tsv-pair' : 'tsv-classification', `a TSV header ${header.join(', ')}`);
  }
  const widths = new Set(nonBlank.slice(0, 50).map((l) => l.split('\t').length));
  if (widths.size === 1 && (widths.has(2) || widths.has(3))) {
    return result(
      widths.has(3) ? 'tsv-pair' : 'tsv-classification',
      `TSV rows of ${[...widths][0]} columns without a header`,
    );
  }
  if (/\.(conll|bio|bmes|bioes|iob|ner)$/.test(lower)) {
    return result('char-per-line', `the file name ${fileName} (content looked irregular)`);
  }
  throw new DatasetFormatError({
    file: fileName,
    line: 1,
    expected:
      'a known dataset format: "<char> <tag>" lines, ERNIE TSV, CLUENER / span JSON lines, Label Studio JSON, a classification or pair TSV/JSON, SQuAD JSON or C3 JSON',
    found: quoteSnippet(lines[0] ?? ''),
  });
}
