/**
 * `tokenize --vocab FILE --cases CASES.json --out OUT.json [--config tokenizer_config.json]`
 *
 * Runs the tokenizer over a file of schema `bert-tokenizer-golden/1` (HF's outputs for strings,
 * pairs, truncation and batch padding) and writes the same structure with this tokenizer's results
 * in the same fields, plus `offsets` per case, so the two files can be compared field by field.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  BertTokenizer,
  parseTokenizerConfig,
  Vocab,
  type Encoding,
  type EncodeOptions,
} from '../../../shared/tokenizer';
import { CliError, parseCommandArgs, usageLine, type Command } from '../command';

const kwargsSchema = z
  .object({
    max_length: z.number().int().positive().optional(),
    truncation: z
      .union([z.boolean(), z.enum(['longest_first', 'only_first', 'only_second', 'do_not_truncate'])])
      .optional(),
    padding: z.union([z.boolean(), z.enum(['longest', 'max_length', 'do_not_pad'])]).optional(),
    stride: z.number().int().nonnegative().optional(),
  })
  .passthrough();

const casesFileSchema = z
  .object({
    schema: z.literal('bert-tokenizer-golden/1'),
    tokenizer: z
      .object({
        init: z
          .object({ do_lower_case: z.boolean().optional(), model_max_length: z.number().optional() })
          .passthrough()
          .optional(),
      })
      .passthrough()
      .optional(),
    cases: z.array(z.object({ name: z.string(), text: z.string() }).passthrough()).default([]),
    pairs: z
      .array(z.object({ name: z.string(), text_a: z.string(), text_b: z.string() }).passthrough())
      .default([]),
    truncation: z
      .array(
        z
          .object({
            name: z.string(),
            text_a: z.string(),
            text_b: z.string().nullable().optional(),
            kwargs: kwargsSchema,
          })
          .passthrough(),
      )
      .default([]),
    batch_padding: z
      .object({ texts: z.array(z.string()), kwargs: kwargsSchema })
      .passthrough()
      .optional(),
  })
  .passthrough();

function encodeOptions(kwargs: z.infer<typeof kwargsSchema>): EncodeOptions {
  return {
    maxLength: kwargs.max_length,
    truncation: kwargs.truncation,
    padding: kwargs.padding,
    stride: kwargs.stride,
  };
}

function encodingFieldsOf(enc: Encoding) {
  return { input_ids: enc.inputIds, token_type_ids: enc.tokenTypeIds, attention_mask: enc.attentionMask };
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`tokenize: cannot read ${what} ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`tokenize: ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

export const command: Command = {
  name: 'tokenize',
  summary: 'run the BertTokenizer over a bert-tokenizer-golden/1 case file and write its results',
  usage: [
    'tokenize --vocab FILE --cases CASES.json --out OUT.json [--config tokenizer_config.json]',
    '',
    '  --vocab   vocab.txt of the checkpoint',
    '  --cases   a file of schema bert-tokenizer-golden/1 (e.g. fixtures/tokenizer/bert-base-chinese-cases.json)',
    '  --out     where to write the same structure with this tokenizer\'s results, plus "offsets" per case',
    "  --config  tokenizer_config.json (default: the case file's tokenizer.init, else HF defaults)",
  ].join('\n'),
  async run(args, context) {
    const { values } = parseCommandArgs(this, args, {
      vocab: { type: 'string' },
      cases: { type: 'string' },
      out: { type: 'string' },
      config: { type: 'string' },
    });
    for (const key of ['vocab', 'cases', 'out'] as const) {
      if (!values[key]) throw new CliError(`tokenize: --${key} is required. ${usageLine(this)}`);
    }
    const casesPath = values.cases as string;
    const parsed = casesFileSchema.safeParse(parseJson(await readText(casesPath, 'case file'), casesPath));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CliError(
        `tokenize: ${casesPath} is not a bert-tokenizer-golden/1 file: at "${issue.path.join('.')}": ${issue.message}`,
      );
    }
    const file = parsed.data;
    const init = file.tokenizer?.init;
    const config = values.config
      ? parseTokenizerConfig(
          parseJson(await readText(values.config, 'tokenizer config'), values.config),
          undefined,
          values.config,
        )
      : parseTokenizerConfig({
          do_lower_case: init?.do_lower_case,
          model_max_length: init?.model_max_length,
        });
    let tokenizer: BertTokenizer;
    try {
      tokenizer = new BertTokenizer(
        Vocab.fromText(await readText(values.vocab as string, 'vocabulary'), values.vocab),
        config,
      );
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`tokenize: ${(error as Error).message}`, { cause: error });
    }

    const result = {
      ...file,
      produced_by: { tool: 'nezha-studio tokenize', vocab: values.vocab, settings: tokenizer.settings },
      cases: file.cases.map((c) => {
        const enc = tokenizer.encode(c.text);
        const tokens = tokenizer.tokenize(c.text);
        return {
          ...c,
          tokens,
          ids: tokenizer.convertTokensToIds(tokens),
          encoded: encodingFieldsOf(enc),
          decoded_skip_special: tokenizer.decode(enc.inputIds, { skipSpecialTokens: true }),
          offsets: { utf16: enc.offsets, code_points: enc.codePointOffsets },
        };
      }),
      pairs: file.pairs.map((p) => {
        const enc = tokenizer.encode(p.text_a, p.text_b);
        return { ...p, ...encodingFieldsOf(enc), tokens: enc.tokens };
      }),
      truncation: file.truncation.map((t) => {
        const enc = tokenizer.encode(t.text_a, t.text_b, encodeOptions(t.kwargs));
        return {
          ...t,
          ...encodingFieldsOf(enc),
          tokens: enc.tokens,
          untruncated_input_ids: tokenizer.encode(t.text_a, t.text_b).inputIds,
        };
      }),
      ...(file.batch_padding
        ? (() => {
            const b = file.batch_padding;
            const rows = tokenizer.encodeBatch(b.texts, encodeOptions(b.kwargs));
            return {
              batch_padding: {
                ...b,
                input_ids: rows.map((r) => r.inputIds),
                token_type_ids: rows.map((r) => r.tokenTypeIds),
                attention_mask: rows.map((r) => r.attentionMask),
              },
            };
          })()
        : {}),
    };
    await writeFile(values.out as string, JSON.stringify(result, null, 1) + '\n');
    context.out(
      `tokenize: wrote ${values.out} (${result.cases.length} cases, ${result.pairs.length} pairs, ${result.truncation.length} truncation cases${file.batch_padding ? ', 1 batch' : ''})`,
    );
  },
};
