/**
 * The provider client: the `openai` package pointed at any OpenAI-compatible endpoint, spoken to
 * with chat completions (the one API OpenAI, Azure, Ollama, vLLM and LM Studio all serve).
 */
import OpenAI from 'openai';
import { OpenAIChatCompletionsModel, type Model } from '@openai/agents';

/** config.openai (config/env.ts). */
export interface OpenAIConfig {
  apiKey: string;
  baseUrl: string | null;
  model: string;
  timeoutMs: number;
  maxConcurrency: number;
  tokenBudget: number;
}

export interface ModelClientOptions {
  /** Retries on 429/5xx/connection errors with exponential backoff (honours Retry-After). */
  maxRetries?: number;
}

export function createModelClient(config: OpenAIConfig, options: ModelClientOptions = {}): { client: OpenAI; model: Model } {
  const client = new OpenAI({
    apiKey: config.apiKey,
    baseURL: config.baseUrl ?? undefined,
    timeout: config.timeoutMs,
    maxRetries: options.maxRetries ?? 2,
  });
  return { client, model: new OpenAIChatCompletionsModel(client, config.model) };
}

/** USD per million tokens, for models whose public price is known; other endpoints report no cost. */
const PRICES: Record<string, { input: number; output: number }> = {
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
};

/** The price of a model on api.openai.com, or null (self-hosted and unknown models). */
export function knownPrice(config: Pick<OpenAIConfig, 'baseUrl' | 'model'>): { input: number; output: number } | null {
  const official = config.baseUrl === null || /^https:\/\/api\.openai\.com\//.test(config.baseUrl);
  return official ? (PRICES[config.model] ?? null) : null;
}
