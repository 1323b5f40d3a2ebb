#!/usr/bin/env python3
"""A line-by-line port of HF transformers v4.35's slow BertTokenizer.tokenize (PreTrainedTokenizer
lowercasing + special-token split, BasicTokenizer, WordpieceTokenizer), run under Python 3.11
(Unicode 14, like the goldens) on random strings built from characters where Unicode versions,
Python and JavaScript disagree. It reproduces all 48 golden cases of
fixtures/tokenizer/bert-base-chinese-cases.json (checked at the end). The output,
testdata/fuzz-unicode14.json, is a second oracle for the TS tokenizer; it is not HF's own output.
Run: python3.11 shared/tokenizer/tools/hf_slow_bert_port.py
"""
import os
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
import json, random, re, unicodedata
vocab = {}
for i, line in enumerate(open(os.path.join(ROOT, 'fixtures/vocab/bert-base-chinese-vocab.txt'), encoding='utf-8')):
    vocab[line.rstrip('\n')] = i
SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
def ws(text):
    text = text.strip()
    return text.split() if text else []
def is_ws(c):
    return c in ' \t\n\r' or unicodedata.category(c) == 'Zs'
def is_ctl(c):
    if c in '\t\n\r': return False
    return unicodedata.category(c).startswith('C')
def is_punc(c):
    cp = ord(c)
    if (33 <= cp <= 47) or (58 <= cp <= 64) or (91 <= cp <= 96) or (123 <= cp <= 126): return True
    return unicodedata.category(c).startswith('P')
def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)
def basic(text, never_split):
    out = []
    for c in text:
        cp = ord(c)
        if cp == 0 or cp == 0xFFFD or is_ctl(c): continue
        out.append(' ' if is_ws(c) else c)
    text = ''.join(out)
    text = ''.join(' ' + c + ' ' if is_cjk(ord(c)) else c for c in text)
    text = unicodedata.normalize('NFC', text)
    split = []
    for tok in ws(text):
        if tok not in never_split:
            tok = tok.lower()
            tok = ''.join(c for c in unicodedata.normalize('NFD', tok) if unicodedata.category(c) != 'Mn')
        if tok in never_split:
            split.append(tok); continue
        cur = []; pieces = []
        for c in tok:
            if is_punc(c):
                if cur: pieces.append(''.join(cur)); cur = []
                pieces.append(c)
            else: cur.append(c)
        if cur: pieces.append(''.join(cur))
        split.extend(pieces)
    return ws(' '.join(split))
def wordpiece(tok):
    chars = list(tok)
    if len(chars) > 100: return ['[UNK]']
    start = 0; subs = []
    while start < len(chars):
        end = len(chars); cur = None
        while start < end:
            s = ''.join(chars[start:end])
            if start > 0: s = '##' + s
            if s in vocab: cur = s; break
            end -= 1
        if cur is None: return ['[UNK]']
        subs.append(cur); start = end
    return subs
def tokenize(text):
    pat = '(' + '|'.join(re.escape(s) for s in SPECIAL) + r')|(.+?)'
    text = re.sub(pat, lambda m: m.groups()[0] or m.groups()[1].lower(), text, flags=re.DOTALL)
    parts = re.split('(' + '|'.join(re.escape(s) for s in sorted(SPECIAL, key=len, reverse=True)) + ')', text)
    toks = []
    for p in parts:
        if not p: continue
        if p in SPECIAL: toks.append(p); continue
        for t in basic(p, set(SPECIAL)):
            toks.extend([t] if t in SPECIAL else wordpiece(t))
    return toks
alphabet = list('abcXYZ019 .,!?-#@[]') + ['\t', '\n', '\u3000', '\u00a0', '\u2028', '\u2029', '\u001c', '\u0085', '\u200b', '\u200d', '\ufeff', '\u0000', '\ufffd',
  '中', '国', '人', '\uf900', '\ufa0e', '\U0002f800', '\U00020000', 'é', 'e\u0301', '\u0301', 'İ', 'Σ', 'ΑΣ', 'ß', 'ǅ', 'ﬁ', 'Å', '\u212b', '\u2126',
  '😀', '👨\u200d👩', '❤\ufe0f', '\ua7cb', '\u1c89', '\ua7dc', '\U00010d50', '\u1100\u1161\u11a8', '가', 'क\u093f', '\u0b47\u0b3e', 'ｆｕｌｌ', '＄', '，', '。', '“', '【',
  '[MASK]', '[CLS]', '[cls]', '[UNK]', 'unaffable', 'Hello', '\U0001f600', '\ud83d', '\u037e', '\u0387', '½', '²', 'Ⅷ', '①', 'ǂ', '\u0e33', 'ñ', 'N\u0303']
random.seed(7)
cases = []
for _ in range(1500):
    s = ''.join(random.choice(alphabet) for _ in range(random.randint(0, 12)))
    try:
        s.encode('utf-8')
    except UnicodeEncodeError:
        s = s.replace('\ud83d', 'x')
    cases.append({'text': s, 'tokens': tokenize(s)})
json.dump(cases, open(os.path.join(HERE, '..', 'testdata', 'fuzz-unicode14.json'), 'w'))
print(len(cases))
golden = json.load(open(os.path.join(ROOT, 'fixtures/tokenizer/bert-base-chinese-cases.json'), encoding='utf-8'))
assert all(tokenize(c['text']) == c['tokens'] for c in golden['cases']), 'port disagrees with the HF goldens'
