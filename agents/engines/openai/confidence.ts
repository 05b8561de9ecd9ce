/**
 * The confidence of a model-backed answer. Models are poor judges of themselves, so the
 * self-assessment they give with their final answer is tempered by what the run shows: an answer
 * the triage agent wrote itself (it should only route) is not trusted, and a specialist that
 * answered without any tool evidence is marked down.
 */

export interface ConfidenceSignals {
  /** The model's own estimate from its final answer, in [0, 1]. */
  self: number;
  /** The answer came from a specialist (triage handed off, or the conversation resumed with one). */
  routed: boolean;
  /** Tool results that ground the answer (knowledge hits, orders found, tickets opened). */
  evidence: number;
  /** The agent is expected to ground answers in tools (knowledge and orders agents). */
  needsEvidence: boolean;
}

/** Triage answering alone stays below any sensible threshold. */
export const UNROUTED_CAP = 0.3;
/** Factor for a grounded-by-tools agent answering with no tool result. */
export const UNGROUNDED_FACTOR = 0.75;

export function combineConfidence(signals: ConfidenceSignals): number {
  let value = Number.isFinite(signals.self) ? Math.min(1, Math.max(0, signals.self)) : 0.5;
  if (!signals.routed) value = Math.min(value, UNROUTED_CAP);
  if (signals.needsEvidence && signals.evidence === 0) value *= UNGROUNDED_FACTOR;
  return Math.round(value * 1000) / 1000;
}
