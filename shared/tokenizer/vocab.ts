/**
 * WordPiece vocabulary from `vocab.txt`, read like HF's `load_vocab`: one token per line, id = line
 * index, a repeated token maps to its last line. Python opens the file in universal-newline mode, so
 * "\r\n" and a lone "\r" end a line too (a vocab.txt checked out with CRLF still works).
 */
export class Vocab {
  readonly tokenToId: ReadonlyMap<string, number>;
  readonly idToToken: readonly string[];
  /** Longest entry in code points, with any "##" prefix removed: WordPiece never tries longer. */
  readonly longestPieceCodePoints: number;

  private constructor(lines: string[]) {
    const map = new Map<string, number>();
    let longest = 1;
    for (let id = 0; id < lines.length; id++) {
      const token = lines[id];
      map.set(token, id);
      const bare = token.startsWith('##') ? token.slice(2) : token;
      let length = 0;
      for (const _ of bare) length++;
      if (length > longest) longest = length;
    }
    this.tokenToId = map;
    this.idToToken = lines;
    this.longestPieceCodePoints = longest;
  }

  /** Parses the text of a vocab.txt; `source` names the file in error messages. */
  static fromText(text: string, source = 'vocab.txt'): Vocab {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const lines = body.split(/\r\n|\r|\n/);
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    if (lines.length === 0) {
      throw new Error(
        `${source} is empty: a WordPiece vocabulary needs one token per line (e.g. [PAD], [UNK], ...).`,
      );
    }
    return new Vocab(lines);
  }

  get size(): number {
    return this.idToToken.length;
  }

  id(token: string): number | undefined {
    return this.tokenToId.get(token);
  }

  token(id: number): string | undefined {
    return this.idToToken[id];
  }
}
