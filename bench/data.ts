// Owns the benchmark's synthetic keys: deterministic names, tags, notes and values, so every run seeds
// the same vault. About 10% of names contain the letter "q" (and nothing else does): the search
// keystroke types "q", a first keystroke that narrows 10,000 rows to about 1,000.

import type { KeyInput } from '../src/vault';

/** The letter the search keystroke types; only SERVICES carry it. */
export const SEARCH_CHAR = 'q';

// 4 of 40 services contain a "q" → ≈10% of keys.
const SERVICES = [
  'Stripe', 'GitHub', 'GitLab', 'AWS', 'Azure', 'Google Cloud', 'Cloudflare', 'Datadog', 'Sentry', 'Twilio',
  'SendGrid', 'Mailgun', 'Slack', 'Discord', 'Heroku', 'Vercel', 'Netlify', 'DigitalOcean', 'Fastly', 'Okta',
  'Auth0', 'PagerDuty', 'Grafana', 'Elastic', 'MongoDB Atlas', 'Redis Cloud', 'Snowflake', 'OpenAI', 'Anthropic', 'Shopify',
  'PayPal', 'Adyen', 'Linear', 'Notion', 'Figma', 'Zendesk', 'Square', 'Quay', 'Qdrant', 'BigQuery',
] as const;
const ENVIRONMENTS = ['production', 'staging', 'development', 'test', 'sandbox'] as const;
const KINDS = ['API key', 'webhook secret', 'access token', 'client secret', 'signing key', 'deploy token', 'password'] as const;
const TAGS = ['payments', 'infra', 'ci', 'backend', 'frontend', 'data', 'ops', 'mobile', 'internal', 'partner', 'legacy', 'team-a', 'team-b'] as const;
const NOTES = [
  '',
  '',
  'Owned by the platform team; ask in #platform before changing it.',
  'Used by the nightly export job.',
  'Read-only scope. Renew before the end of the month.',
  'Shared with the mobile app build pipeline.',
] as const;

/** mulberry32: a tiny deterministic PRNG, seeded per key. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

/** A pasted value like a provider's token: a prefix and 40 hex characters (no "q": values are not searched anyway). */
export function makeValue(i: number): string {
  const rand = prng(i * 7919 + 17);
  let hex = '';
  for (let j = 0; j < 40; j++) hex += Math.floor(rand() * 16).toString(16);
  return `sk_${pick(rand, ['live', 'test'])}_${hex}`;
}

export function makeKeyInput(i: number): KeyInput {
  const rand = prng(i + 1);
  const service = SERVICES[i % SERVICES.length]!;
  const tags = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(rand, TAGS)))];
  return {
    name: `${service} ${pick(rand, ENVIRONMENTS)} ${pick(rand, KINDS)} ${String(i).padStart(5, '0')}`,
    value: makeValue(i),
    format: 'text',
    tags,
    notes: pick(rand, NOTES),
  };
}
