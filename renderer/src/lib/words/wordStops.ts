/**
 * Where Ctrl+←/→ stops in `text`, in code points (ascending, 0 and the length included), from a word
 * segmentation whose concatenation is the text (jieba's cut). A whitespace-only word joins the word before
 * it, so a jump lands on the start of the next word, as in a text editor ("Hi 北京" stops at 0, 3, 5), and
 * punctuation is a stop of its own. Throws when the words do not make up the text: stops computed from
 * another sentence would put the caret on the wrong characters.
 */
export function wordStops(text: string, words: readonly string[]): number[] {
  if (words.join('') !== text)
    throw new Error(
      `wordStops: the ${words.length} words do not make up the text (${Array.from(text).length} characters)`,
    );
  const stops = [0];
  let offset = 0;
  for (const word of words) {
    offset += Array.from(word).length;
    if (/^\s+$/u.test(word) && stops.length > 1) stops[stops.length - 1] = offset;
    else if (offset > stops[stops.length - 1]) stops.push(offset);
  }
  return stops;
}
