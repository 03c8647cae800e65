import type { ActivationPolicy } from '../schemas/step';
import { evaluateEach, type ValueScope } from '../model/mappings';

/** Whether a step runs, and if not, why; or the policy expression that failed. */
export type Activation = { active: true } | { active: false; note: string } | { failed: true; message: string };

/** Applies a step's activation policy as the step is reached. */
export async function activationOf(policy: ActivationPolicy | undefined, scope: ValueScope): Promise<Activation> {
  if (policy === undefined) return { active: true };
  if ('enabled' in policy)
    return policy.enabled ? { active: true } : { active: false, note: 'activation_policy.enabled is false' };
  const [result] = await (scope.evaluate ?? evaluateEach)([policy.when], scope.document());
  if (result === undefined) throw new Error('the activation policy was not evaluated');
  if (!result.ok)
    return { failed: true, message: `The activation policy expression (${policy.when}) failed: ${result.message}` };
  if (isTruthy(result.value)) return { active: true };
  const shown = result.value === undefined ? 'no value' : JSON.stringify(result.value);
  return {
    active: false,
    note: `activation_policy.when (${policy.when}) gave ${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}`,
  };
}

/** JSONata's `$boolean`: what counts as true for a `when`. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.some(isTruthy);
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return false;
}
