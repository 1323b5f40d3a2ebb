import type { StateDict } from '../checkpoint/types';
import { readSafetensors } from '../checkpoint/safetensors';
import { NezhaConfig } from './config';
import type { GoldenCase } from './goldenCase';
import { parseGoldenCase } from './goldenCase';
import type { LoadedNezha } from './weights';
import { loadNezha } from './weights';

/*
 * Reads the nezha-tiny fixture set (fixtures/nezha-tiny: HF checkpoint folders + golden cases)
 * through an injected file reader, so tests (Node fs) and scripts share it while shared/ stays
 * platform-neutral.
 */

export const GOLDEN_CASES = [
  'model',
  'model_defaults',
  'pretraining',
  'masked_lm',
  'next_sentence',
  'sequence_classification',
  'sequence_classification_regression',
  'sequence_classification_multilabel',
  'token_classification',
  'question_answering',
  'multiple_choice',
] as const;
export type GoldenCaseName = (typeof GOLDEN_CASES)[number];

export class TinyFixtures {
  private readonly cases = new Map<string, GoldenCase>();
  private readonly states = new Map<string, StateDict>();

  /** `root` is the nezha-tiny folder; `readFile` returns a file's bytes. */
  constructor(
    readonly root: string,
    private readonly readFile: (path: string) => Uint8Array,
  ) {}

  path(...parts: string[]): string {
    return [this.root, ...parts].join('/');
  }

  text(...parts: string[]): string {
    return new TextDecoder().decode(this.readFile(this.path(...parts)));
  }

  json<T = unknown>(...parts: string[]): T {
    return JSON.parse(this.text(...parts)) as T;
  }

  goldenCase(name: string): GoldenCase {
    let golden = this.cases.get(name);
    if (!golden) {
      golden = parseGoldenCase(this.text('goldens', `${name}.json`), `goldens/${name}.json`);
      this.cases.set(name, golden);
    }
    return golden;
  }

  stateDict(folder: string): StateDict {
    let state = this.states.get(folder);
    if (!state) {
      state = readSafetensors(
        this.readFile(this.path(folder, 'model.safetensors')),
        `${folder}/model.safetensors`,
      );
      this.states.set(folder, state);
    }
    return state;
  }

  config(folder: string): NezhaConfig {
    return NezhaConfig.fromJsonText(this.text(folder, 'config.json'));
  }

  load(className: string, folder: string): LoadedNezha {
    return loadNezha(className, this.config(folder), this.stateDict(folder));
  }
}
