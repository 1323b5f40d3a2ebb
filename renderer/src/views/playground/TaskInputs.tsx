/** The input fields each task needs, bound to the Playground's inputs. */
import type { PipelineTask } from '../../../../shared/nezha/tasks';
import type { PlaygroundInputs } from './inputs';

interface Props {
  task: PipelineTask;
  inputs: PlaygroundInputs;
  onChange(patch: Partial<PlaygroundInputs>): void;
  disabled: boolean;
}

function Area({
  id,
  label,
  value,
  rows,
  onChange,
  disabled,
  placeholder,
}: {
  id: string;
  label: string;
  value: string;
  rows: number;
  onChange(value: string): void;
  disabled: boolean;
  placeholder?: string;
}) {
  return (
    <div className="field grow">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="input pg-textarea"
        rows={rows}
        value={value}
        placeholder={placeholder}
        disabled={disabled}
        lang="zh"
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}

export function TaskInputs({ task, inputs, onChange, disabled }: Props) {
  switch (task) {
    case 'token-classification':
      return (
        <Area
          id="pg-text"
          label="Text"
          rows={5}
          value={inputs.text}
          disabled={disabled}
          onChange={(text) => onChange({ text })}
        />
      );
    case 'text-classification':
      return (
        <>
          <Area
            id="pg-text"
            label="Text"
            rows={4}
            value={inputs.text}
            disabled={disabled}
            onChange={(text) => onChange({ text })}
          />
          <Area
            id="pg-pair"
            label="Second text (optional, for sentence-pair models)"
            rows={2}
            value={inputs.pair}
            disabled={disabled}
            onChange={(pair) => onChange({ pair })}
          />
        </>
      );
    case 'question-answering':
      return (
        <>
          <Area
            id="pg-question"
            label="Question"
            rows={1}
            value={inputs.question}
            disabled={disabled}
            onChange={(question) => onChange({ question })}
          />
          <Area
            id="pg-context"
            label="Context"
            rows={5}
            value={inputs.context}
            disabled={disabled}
            onChange={(context) => onChange({ context })}
          />
        </>
      );
    case 'fill-mask':
      return (
        <Area
          id="pg-masked"
          label="Text with [MASK] (adjacent masks also get whole-word candidates)"
          rows={3}
          value={inputs.maskedText}
          disabled={disabled}
          onChange={(maskedText) => onChange({ maskedText })}
        />
      );
    case 'multiple-choice':
      return (
        <>
          <Area
            id="pg-mc-context"
            label="Context and question"
            rows={3}
            value={inputs.mcContext}
            disabled={disabled}
            onChange={(mcContext) => onChange({ mcContext })}
          />
          <Area
            id="pg-choices"
            label="Choices (one per line)"
            rows={4}
            value={inputs.choices}
            disabled={disabled}
            onChange={(choices) => onChange({ choices })}
          />
        </>
      );
    case 'next-sentence':
      return (
        <>
          <Area
            id="pg-sentence-a"
            label="Sentence A"
            rows={2}
            value={inputs.sentenceA}
            disabled={disabled}
            onChange={(sentenceA) => onChange({ sentenceA })}
          />
          <Area
            id="pg-sentence-b"
            label="Sentence B"
            rows={2}
            value={inputs.sentenceB}
            disabled={disabled}
            onChange={(sentenceB) => onChange({ sentenceB })}
          />
        </>
      );
  }
}
