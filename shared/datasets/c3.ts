/**
 * C³ multiple-choice JSON: one array of documents `[[sentences...], [{"question", "choice": [...],
 * "answer"}...], "doc-id"]`. The answer is the choice STRING; records store its index. One record per
 * question; the context is the document's sentences joined with "\n" (as C3's own baseline does).
 */
import { DatasetFormatError } from './errors';
import { codePointLength } from './offsets';
import { bump, checkLength, DatasetReader, type ReaderOptions } from './reader';
import { checkSuspiciousChars, LineLocator, parseJson, type DatasetInput } from './source';
import type { McExample } from './types';

export function parseC3(input: DatasetInput, options: ReaderOptions = {}): DatasetReader<'mc'> {
  return new DatasetReader<'mc'>('c3', input, options, function* (context) {
    const { source, warnings, counts } = context;
    const { file, text } = source;
    const labels: Record<string, number> = {};
    counts.labels = labels;
    counts.documents = 0;
    const root = parseJson(text, file);
    if (!Array.isArray(root)) {
      throw new DatasetFormatError({
        file,
        line: 1,
        expected: 'a JSON array of C3 documents [[sentences], [questions], "id"]',
        found: typeof root,
      });
    }
    const locator = new LineLocator(text);
    const seenIds = new Set<string>();
    for (let d = 0; d < root.length; d++) {
      const doc = root[d] as unknown;
      const fail = (line: number, expected: string, found?: unknown): never => {
        throw new DatasetFormatError({
          file,
          line,
          expected: `document #${d + 1}: ${expected}`,
          found: found === undefined ? undefined : JSON.stringify(found)?.slice(0, 60),
        });
      };
      if (!Array.isArray(doc) || doc.length < 2 || !Array.isArray(doc[0]) || !Array.isArray(doc[1])) {
        fail(0, '[[sentences], [questions], "id"]', doc);
      }
      const [sentences, questions, rawId] = doc as [unknown[], unknown[], unknown];
      if (!sentences.every((s) => typeof s === 'string')) fail(0, 'sentences to be strings', sentences);
      // The first sentence locates the document in the file (the id comes last in each document).
      const line = sentences.length > 0 ? locator.next(sentences[0] as string) : 0;
      context.position = locator.cursor;
      const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : undefined;
      if (id !== undefined) {
        if (seenIds.has(id))
          warnings.add(
            'duplicate-id',
            line,
            (n) => `${n} document id${n > 1 ? 's are' : ' is'} used more than once; kept`,
          );
        seenIds.add(id);
      }
      const documentText = (sentences as string[]).join('\n');
      checkSuspiciousChars(documentText, line, warnings);
      counts.documents!++;
      for (let q = 0; q < questions.length; q++) {
        const item = questions[q] as Record<string, unknown> | null;
        if (
          !item ||
          typeof item !== 'object' ||
          typeof item.question !== 'string' ||
          !Array.isArray(item.choice) ||
          !item.choice.every((c) => typeof c === 'string')
        ) {
          fail(line, `question #${q + 1} to have a string "question" and a "choice" list of strings`, item);
        }
        const question = item as { question: string; choice: string[]; answer?: unknown };
        if (question.choice.length < 2)
          fail(line, `question #${q + 1} to have at least 2 choices`, question.choice);
        if (typeof question.answer !== 'string')
          fail(
            line,
            `question #${q + 1} to have a string "answer" (C3 test files have none: they cannot be scored)`,
            question.answer,
          );
        const answer = question.choice.indexOf(question.answer as string);
        if (answer < 0)
          fail(
            line,
            `question #${q + 1}'s answer to be one of its choices ${JSON.stringify(question.choice)}`,
            question.answer,
          );
        if (question.choice.indexOf(question.answer as string, answer + 1) >= 0) {
          warnings.add(
            'duplicate-choice',
            line,
            (n) =>
              `${n} question${n > 1 ? 's list' : ' lists'} the answer among its choices twice; the first one is taken as correct`,
          );
        }
        checkLength(context, codePointLength(documentText) + codePointLength(question.question), line);
        bump(labels, `${question.choice.length} choices`);
        const record: McExample = {
          context: documentText,
          question: question.question,
          choices: question.choice,
          answer,
        };
        if (id !== undefined) record.id = id;
        yield record;
      }
    }
  });
}
