import { unpricedWarning } from '../transforms/genAi';

/** Names the models answered without a price: their cost is missing from the totals, never $0. */
export function UnpricedModelsNotice({ models }: { models: readonly string[] | undefined }) {
  const text = unpricedWarning(models);
  if (!text) return null;
  return (
    <p className="notice gemini-unpriced" role="note" data-testid="gemini-unpriced">
      <strong>Cost incomplete.</strong> {text}
    </p>
  );
}
