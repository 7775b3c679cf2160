// Owns the "Rotation period" control's model: presets, custom days and "none", to and from a policy's periodDays.

import { DEFAULT_ROTATION, ROTATION_BOUNDS, ROTATION_PRESETS } from '../../vault';

export type RotationChoice = `${(typeof ROTATION_PRESETS)[number]}` | 'custom' | 'none';

export const ROTATION_CHOICES: readonly { value: RotationChoice; label: string }[] = Object.freeze([
  ...ROTATION_PRESETS.map((days) => ({ value: `${days}` as RotationChoice, label: `${days} days` })),
  { value: 'custom', label: 'Custom…' },
  { value: 'none', label: 'No rotation' },
]);

export interface RotationDraft {
  choice: RotationChoice;
  /** The custom number of days; only read when choice is 'custom'. */
  customDays: number | null;
}

/** The control's state for a stored period (null: no rotation). */
export function draftFor(periodDays: number | null): RotationDraft {
  if (periodDays === null) return { choice: 'none', customDays: null };
  const preset = ROTATION_PRESETS.find((days) => days === periodDays);
  if (preset !== undefined) return { choice: `${preset}`, customDays: null };
  return { choice: 'custom', customDays: periodDays };
}

export const DEFAULT_ROTATION_DRAFT: Readonly<RotationDraft> = Object.freeze(draftFor(DEFAULT_ROTATION.periodDays));

/** The period the control describes, or 'invalid' when the custom days are not a whole number in ROTATION_BOUNDS. */
export function periodFrom(draft: RotationDraft): number | null | 'invalid' {
  if (draft.choice === 'none') return null;
  if (draft.choice !== 'custom') return Number(draft.choice);
  const days = draft.customDays;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < ROTATION_BOUNDS.minDays || days > ROTATION_BOUNDS.maxDays) return 'invalid';
  return days;
}

/** "Every 90 days, automatic", "Every 30 days", "No rotation period". */
export function describePolicy(policy: { periodDays: number | null; auto: boolean }): string {
  if (policy.periodDays === null) return 'No rotation period';
  const every = policy.periodDays === 1 ? 'Every day' : `Every ${policy.periodDays} days`;
  return policy.auto ? `${every}, automatic` : every;
}
