/**
 * SQuAD v1.1-style JSON (CMRC 2018, DRCD): `{"data": [{"title", "paragraphs": [{"context", "qas":
 * [{"id", "question", "answers": [{"text", "answer_start"}]}]}]}]}`, one record per question.
 *
 * `answer_start` should count code points (Python wrote these files), but real files disagree:
 * CMRC 2018 dev has answers whose start counts UTF-16 units (they sit after a non-BMP char, so they
 * are 1–2 too high), and 193 free-form answers with `answer_start: -1` that are not in the context.
 * Each answer is checked against the context: a UTF-16 start is converted, a wrong or -1 start is
 * recomputed when the text occurs in the context (nearest occurrence), and an answer that is not in
 * the context keeps start -1. Every case is reported.
 */
import { DatasetFormatError } from './errors';
import { OffsetMap } from './offsets';
import { checkLength, DatasetReader, type ReaderOptions } from './reader';
import { checkSuspiciousChars, LineLocator, parseJson, type DatasetInput } from './source';
import type { QaAnswer, QaExample } from './types';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Code point offsets of every occurrence of `needle` in the context. */
function occurrences(map: OffsetMap, needle: string): number[] {
  const found: number[] = [];
  if (needle === '') return found;
  for (let at = map.text.indexOf(needle); at >= 0; at = map.text.indexOf(needle, at + 1)) {
    try {
      found.push(map.toCodePoint(at));
    } catch {
      // A match starting inside a surrogate pair is not a real occurrence.
    }
  }
  return found;
}

export function parseSquad(input: DatasetInput, options: ReaderOptions = {}): DatasetReader<'qa'> {
  return new DatasetReader<'qa'>('squad', input, options, function* (context) {
    const { source, warnings, counts } = context;
    const { file, text } = source;
    counts.answers = 0;
    counts.documents = 0;
    const locator = new LineLocator(text);
    const root = parseJson(text, file);
    if (!isObject(root) || !Array.isArray(root.data)) {
      throw new DatasetFormatError({
        file,
        line: 1,
        expected: 'a SQuAD object {"version", "data": [...]}',
        found: isObject(root) ? `keys ${Object.keys(root).join(', ')}` : typeof root,
      });
    }
    const fail = (line: number, path: string, expected: string, found?: unknown): never => {
      throw new DatasetFormatError({
        file,
        line,
        expected: `${path} ${expected}`,
        found: found === undefined ? undefined : JSON.stringify(found)?.slice(0, 60),
      });
    };
    const seenIds = new Set<string>();
    const articles = root.data as unknown[];
    for (let a = 0; a < articles.length; a++) {
      const article = articles[a];
      if (!isObject(article) || !Array.isArray(article.paragraphs))
        fail(0, `data[${a}]`, 'to be an article with "paragraphs"', article);
      const art = article as Record<string, unknown>;
      const title = typeof art.title === 'string' ? art.title : undefined;
      const paragraphs = art.paragraphs as unknown[];
      for (let p = 0; p < paragraphs.length; p++) {
        const paragraph = paragraphs[p];
        const path = `data[${a}].paragraphs[${p}]`;
        if (!isObject(paragraph) || typeof paragraph.context !== 'string' || !Array.isArray(paragraph.qas)) {
          fail(
            0,
            path,
            'to have a string "context" and a "qas" list',
            isObject(paragraph) ? Object.keys(paragraph) : paragraph,
          );
        }
        const para = paragraph as { context: string; qas: unknown[] };
        const map = new OffsetMap(para.context);
        counts.documents!++;
        checkSuspiciousChars(para.context, locator.next(para.context), warnings);
        for (let q = 0; q < para.qas.length; q++) {
          const qa = para.qas[q];
          const qPath = `${path}.qas[${q}]`;
          if (!isObject(qa) || typeof qa.question !== 'string' || !Array.isArray(qa.answers)) {
            fail(0, qPath, 'to have a string "question" and an "answers" list', qa);
          }
          const question = qa as { id?: unknown; question: string; answers: unknown[] };
          const id =
            typeof question.id === 'string' || typeof question.id === 'number'
              ? String(question.id)
              : `${a}-${p}-${q}`;
          const line = typeof question.id === 'string' ? locator.next(question.id) : 0;
          context.position = locator.cursor;
          if (seenIds.has(id))
            warnings.add(
              'duplicate-id',
              line,
              (n) => `${n} question id${n > 1 ? 's are' : ' is'} used more than once; kept`,
            );
          seenIds.add(id);
          const answers: QaAnswer[] = [];
          for (let k = 0; k < question.answers.length; k++) {
            const answer = question.answers[k];
            if (
              !isObject(answer) ||
              typeof answer.text !== 'string' ||
              !Number.isInteger(answer.answer_start)
            ) {
              fail(
                line,
                `${qPath}.answers[${k}] (question ${id})`,
                'to have a string "text" and an integer "answer_start"',
                answer,
              );
            }
            const ans = answer as { text: string; answer_start: number };
            answers.push({
              text: ans.text,
              start: locateAnswer(map, ans.text, ans.answer_start, (code, describe) =>
                warnings.add(code, line, describe),
              ),
            });
          }
          if (answers.length === 0) {
            warnings.add(
              'no-answers',
              line,
              (n) =>
                `${n} question${n > 1 ? 's have' : ' has'} no answers (unanswerable); kept with an empty answer list`,
              'info',
            );
          }
          checkLength(context, map.codePointLength + question.question.length, line);
          counts.answers! += answers.length;
          const record: QaExample = { id, context: para.context, question: question.question, answers };
          if (title !== undefined) record.title = title;
          yield record;
        }
      }
    }
  });
}

/** Returns the answer's code point start in the context, or -1; reports every correction. */
function locateAnswer(
  map: OffsetMap,
  answer: string,
  start: number,
  report: (code: string, describe: (n: number) => string) => void,
): number {
  const length = map.codePointLength;
  if (start >= 0 && start <= length && answer !== '') {
    const end = start + Array.from(answer).length;
    if (end <= length && map.slice(start, end) === answer) return start;
    // The start may count UTF-16 units (JS/Java tools), which is off after a non-BMP char.
    if (map.text.startsWith(answer, start) && start <= map.text.length) {
      try {
        const converted = map.toCodePoint(start);
        report(
          'answer-start-utf16',
          (n) =>
            `${n} answer_start value${n > 1 ? 's count' : ' counts'} UTF-16 units instead of characters (a non-BMP char comes before the answer); converted`,
        );
        return converted;
      } catch {
        // falls through to a search
      }
    }
  }
  const found = occurrences(map, answer);
  if (found.length === 0) {
    report(
      'answer-not-in-context',
      (n) =>
        `${n} answer${n > 1 ? 's are' : ' is'} not found in the context (free-form answers); kept with start -1 — exact match/F1 still score them, span training must skip them`,
    );
    return -1;
  }
  if (start < 0) {
    report(
      'answer-start-recomputed',
      (n) =>
        `${n} answer${n > 1 ? 's' : ''} with answer_start -1 ${n > 1 ? 'were' : 'was'} found in the context; start set to the first occurrence`,
    );
    return found[0];
  }
  const nearest = found.reduce(
    (best, at) => (Math.abs(at - start) < Math.abs(best - start) ? at : best),
    found[0],
  );
  report(
    'answer-start-shifted',
    (n) =>
      `${n} answer_start value${n > 1 ? 's do' : ' does'} not point at the answer text; moved to the nearest occurrence in the context`,
  );
  return nearest;
}
