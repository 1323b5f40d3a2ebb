import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { defineViewStore } from './viewStore';

interface CounterState {
  count: number;
  label: string;
}
const CounterStore = defineViewStore<CounterState>('Counter');

function Count() {
  const count = CounterStore.use((state) => state.count);
  const whole = CounterStore.use();
  return createElement('span', null, `${whole.label}:${count}`);
}

describe('defineViewStore', () => {
  it('reads the store its provider was given, so two stores never share state', () => {
    const first = createStore<CounterState>()(() => ({ count: 1, label: 'a' }));
    const second = createStore<CounterState>()(() => ({ count: 2, label: 'b' }));
    const render = (store: typeof first) =>
      renderToStaticMarkup(createElement(CounterStore.Provider, { value: store }, createElement(Count)));
    expect(render(first)).toBe('<span>a:1</span>');
    expect(render(second)).toBe('<span>b:2</span>');
  });

  it('names the store when a component renders outside its provider', () => {
    expect(() => renderToStaticMarkup(createElement(Count))).toThrow(
      /Counter store was used outside its provider/,
    );
  });
});
