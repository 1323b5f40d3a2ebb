// Benchmark metrics: seqeval NER scores, sklearn-style classification scores, CMRC 2018 EM/F1, C3 accuracy,
// percentile-bootstrap intervals and paired tests. Pure and platform-neutral.
export * from './types';
export * from './random';
export * from './bootstrap';
export * from './significance';
export * from './seqeval';
export * from './classification';
export * from './nltkTreebank';
export * from './cmrc2018';
export * from './cluener2020';
export * from './evaluate';
export * from './schema';
export * from './agreement';
