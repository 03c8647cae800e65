import type { SchemaValue } from '../schemas/schema-value';

/**
 * Messages for steps that wait for one (a human confirmation), delivered by the workflow's
 * update handlers. A step opens its slot before it waits and closes it when done; the
 * handler's validator asks `isOpen`, so a message for a step that is not waiting is refused
 * before it reaches the history.
 */
export class StepInbox {
  private readonly open = new Map<
    string,
    { check: (payload: SchemaValue | undefined) => string | undefined; received?: { payload: SchemaValue | undefined } }
  >();

  /** Starts accepting a message for `stepId`; `check` answers what is wrong with a payload, or undefined. */
  expect(stepId: string, check: (payload: SchemaValue | undefined) => string | undefined): void {
    this.open.set(stepId, { check });
  }

  /** Why a message for `stepId` would be refused now, or undefined when it would be taken. */
  refusal(stepId: string, payload: SchemaValue | undefined): string | undefined {
    const slot = this.open.get(stepId);
    if (!slot) return `step '${stepId}' is not waiting for a confirmation`;
    if (slot.received) return `step '${stepId}' has already been confirmed`;
    return slot.check(payload);
  }

  /** Delivers a message the validator accepted. */
  deliver(stepId: string, payload: SchemaValue | undefined): void {
    const slot = this.open.get(stepId);
    if (slot && !slot.received) slot.received = { payload };
  }

  /** The message received for `stepId`, if any. */
  received(stepId: string): { payload: SchemaValue | undefined } | undefined {
    return this.open.get(stepId)?.received;
  }

  /** Stops accepting messages for `stepId`. */
  close(stepId: string): void {
    this.open.delete(stepId);
  }
}
