// Owns the password-strength estimate: zxcvbn-ts with its dictionaries, loaded on demand.
// The dictionaries are large (about 1.5 MB), so they come in by dynamic import() into their own chunks and stay
// out of the initial bundle; only the create-vault screen asks for them.

export interface StrengthEstimate {
  /** 0 (too guessable) … 4 (very unguessable), as zxcvbn scores it. */
  readonly score: 0 | 1 | 2 | 3 | 4;
  readonly warning: string | null;
  readonly suggestions: readonly string[];
}

export type StrengthChecker = (password: string, userInputs?: readonly string[]) => StrengthEstimate;

let loading: Promise<StrengthChecker> | null = null;

/** Resolves to a checker once the library and dictionaries have loaded; the same promise for every caller. */
export function loadStrengthChecker(): Promise<StrengthChecker> {
  if (loading) return loading;
  const attempt = (async (): Promise<StrengthChecker> => {
    const [core, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    const factory = new core.ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
    return (password, userInputs = []) => {
      const result = factory.check(password, [...userInputs, 'keyward']);
      return { score: result.score, warning: result.feedback.warning, suggestions: result.feedback.suggestions };
    };
  })();
  loading = attempt;
  // A failed load (offline before the chunk was cached) may be tried again later.
  attempt.catch(() => {
    if (loading === attempt) loading = null;
  });
  return attempt;
}
