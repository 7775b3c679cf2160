// Owns how a form shows the vault's refusal: by the field the error names, else at the top of the form; and focus on
// the first field marked invalid, once the marks are drawn.

import { tick } from 'svelte';
import { errorField, errorMessage } from './messages';

/** The error under the form's field that `fields` maps the vault's field to, or as the form's own error. */
export function fieldErrors<K extends string>(error: unknown, fields: Readonly<Record<string, K>>): Partial<Record<K | 'form', string>> {
  const field = errorField(error);
  const key = (field !== undefined && Object.hasOwn(fields, field) ? fields[field] : undefined) ?? 'form';
  return { [key]: errorMessage(error) } as Partial<Record<K | 'form', string>>;
}

/** Moves focus to the first control in `root` marked aria-invalid, after the next update. */
export async function focusFirstInvalid(root: ParentNode | undefined): Promise<void> {
  await tick();
  root?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
