import { describe, expect, it } from 'vitest';
import { loadDeployment } from '../../../config/deployment/index.ts';
import { createKnowledgeEvidence } from './knowledge-evidence.ts';

const defaultArticles = () => loadDeployment().articles;

describe('knowledge-base evidence', () => {
  const match = createKnowledgeEvidence(defaultArticles());

  it('finds the article that covers a store-policy question, whatever the phrasing around it', () => {
    expect(match('customer asks if we charge restocking fees on returns')).toMatchObject({ slug: 'refund-policy' });
    expect(match('customer asks if we charge restocking fees on returns').strength).toBeGreaterThanOrEqual(0.75);
    expect(match('Do you do gift wrapping?')).toMatchObject({ slug: 'gift-wrapping-and-personalisation' });
    expect(match('Do you do gift wrapping?').strength).toBeGreaterThanOrEqual(0.75);
  });

  it('is weak when the words are spread over many articles', () => {
    expect(match('hi is NW-10011 still coming this week').strength).toBeLessThan(0.75);
  });

  it('says nothing about messages with fewer than two words the knowledge base knows', () => {
    expect(match('representative')).toEqual({ strength: 0, slug: null });
    expect(match('zzz qqq xyzzy')).toEqual({ strength: 0, slug: null });
  });
});
