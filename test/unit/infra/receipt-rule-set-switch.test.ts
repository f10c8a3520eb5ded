// The custom resource that makes `cdk destroy` work with the stack's own receipt rule set: it
// activates the set on create only when the region has none active, and deactivates it on delete
// only when it is the active one (never someone else's).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Ses = { active: () => Promise<string | null>; activate: (name: string | undefined) => Promise<void> };
type Run = (event: unknown, ses: Ses) => Promise<{ Active: string }>;
const { run } = createRequire(import.meta.url)('../../../infra/cdk/inline/receipt-rule-set-switch.cjs') as { run: Run };

/** An SES account whose active set is `active`; it records every activation asked of it. */
const sesWith = (active: string | null) => {
  const state = { active, calls: [] as (string | undefined)[] };
  const ses: Ses = {
    active: async () => state.active,
    activate: async (name) => {
      state.calls.push(name);
      state.active = name ?? null;
    },
  };
  return { ses, state };
};
const event = (RequestType: string, Activate = 'true') => ({
  RequestType,
  ResourceProperties: { RuleSetName: 'Kontakt-prod-rules', Activate },
});

describe('the receipt rule set switch', () => {
  it('activates the stack’s set on create when no set is active', async () => {
    const { ses, state } = sesWith(null);
    expect(await run(event('Create'), ses)).toEqual({ Active: 'true' });
    expect(state.active).toBe('Kontakt-prod-rules');
  });

  it('never replaces another active set, and says so', async () => {
    const { ses, state } = sesWith('team-rules');
    expect(await run(event('Create'), ses)).toEqual({ Active: 'false' });
    expect(state.calls).toEqual([]);
  });

  it('leaves the activation alone when the stage says so', async () => {
    const { ses, state } = sesWith(null);
    expect(await run(event('Update', 'false'), ses)).toEqual({ Active: 'false' });
    expect(state.calls).toEqual([]);
  });

  it('deactivates the stack’s set before it is deleted, and no other set', async () => {
    const own = sesWith('Kontakt-prod-rules');
    await run(event('Delete'), own.ses);
    const other = sesWith('team-rules');
    await run(event('Delete'), other.ses);

    expect(own.state.calls).toEqual([undefined]);
    expect(own.state.active).toBeNull();
    expect(other.state.calls).toEqual([]);
    expect(other.state.active).toBe('team-rules');
  });
});
