// The first admin of a fresh stage (npm run bootstrap-admin): the Kontakt user written to the table
// with the identity provider's sub and every role, and a second run for the same address creating
// nothing new. Cognito itself runs only in AWS; here its one call is a directory of addresses.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { bootstrapAdmin, type IdentityProvider } from '../../infra/scripts/first-admin.ts';
import { documentClient, tableName } from '../support/aws.ts';

const users = createUserRepository(documentClient(), tableName);

/** Cognito's behaviour the command relies on: a new address gets a new sub, a known one its own. */
const directory = (): IdentityProvider & { invited: string[] } => {
  const subs = new Map<string, string>();
  const invited: string[] = [];
  return {
    invited,
    async ensureUser(email) {
      const known = subs.get(email);
      if (known) return { sub: known, created: false };
      const sub = randomUUID();
      subs.set(email, sub);
      invited.push(email);
      return { sub, created: true };
    },
  };
};

describe('bootstrapping the first admin', () => {
  it('writes the Kontakt user with the sub and every role, and a second run creates nothing new', async () => {
    const identities = directory();
    const first = await bootstrapAdmin({ identities, users }, { email: ' Ops@Example.COM ', name: 'Ops Team' });
    expect(first).toMatchObject({ identityCreated: true, userCreated: true });
    const stored = await users.findUser(first.user.id);
    expect(stored).toEqual({
      id: first.user.id,
      email: 'ops@example.com',
      name: 'Ops Team',
      roles: ['admin', 'sales', 'service'],
    });

    const again = await bootstrapAdmin({ identities, users }, { email: 'ops@example.com', name: 'Ops' });
    expect(again).toMatchObject({
      identityCreated: false,
      userCreated: false,
      user: { id: first.user.id, name: 'Ops' },
    });
    expect(identities.invited).toEqual(['ops@example.com']);
    expect((await users.findUser(first.user.id))?.roles).toEqual(['admin', 'sales', 'service']);
  });

  it('refuses what is no email address before touching anything', async () => {
    const identities = directory();
    await expect(bootstrapAdmin({ identities, users }, { email: 'ops', name: '' })).rejects.toThrow(
      /not an email address/,
    );
    expect(identities.invited).toEqual([]);
  });
});
