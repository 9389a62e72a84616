import type { Usage } from './modelClient';

/** US dollars per million tokens. Cache writes cost 1.25x input (5-minute cache), reads 0.1x. */
interface Price {
  input: number;
  output: number;
}

const PRICES: Array<[RegExp, Price]> = [
  [/opus-4-[01]|opus-3/, { input: 15, output: 75 }],
  [/opus/, { input: 5, output: 25 }],
  [/haiku-3/, { input: 0.25, output: 1.25 }],
  [/haiku/, { input: 1, output: 5 }],
  [/sonnet|claude/, { input: 3, output: 15 }],
];

/** Estimated cost of `usage` on `model`; undefined for a model we have no price for. */
export function estimateCostUsd(model: string, usage: Usage): number | undefined {
  const price = PRICES.find(([re]) => re.test(model))?.[1];
  if (!price) return undefined;
  const perToken = (dollarsPerMillion: number) => dollarsPerMillion / 1_000_000;
  return (
    usage.inputTokens * perToken(price.input) +
    usage.cacheCreationInputTokens * perToken(price.input * 1.25) +
    usage.cacheReadInputTokens * perToken(price.input * 0.1) +
    usage.outputTokens * perToken(price.output)
  );
}
