/**
 * The first admin of a fresh stage: a Cognito user (who gets Cognito's invitation with a temporary
 * password) and the Kontakt user with that `sub` and the admin role. Running it again for the same
 * address changes nothing but the name and roles given. Later users an admin adds with `POST /v1/users`.
 */
import type { Role, User } from '../../domain/users/user.ts';

export type IdentityProvider = {
  /** the user's `sub`: created (and invited) when the address is new, else the existing one's */
  ensureUser(email: string): Promise<{ sub: string; created: boolean }>;
};

export type FirstAdminDeps = {
  identities: IdentityProvider;
  users: { findUser(id: string): Promise<User | null>; save(user: User, options: { upsert?: boolean }): Promise<void> };
};

const adminRoles: Role[] = ['admin', 'sales', 'service'];

export const bootstrapAdmin = async (
  deps: FirstAdminDeps,
  input: { email: string; name: string },
): Promise<{ user: User; identityCreated: boolean; userCreated: boolean }> => {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error(`${input.email} is not an email address`);
  const name = input.name.trim() || email;
  const { sub, created } = await deps.identities.ensureUser(email);
  const existing = await deps.users.findUser(sub);
  // an admin may do what each role may: the first user of a stage sets it up and tries it out
  const user: User = { id: sub, email, name, roles: [...new Set([...(existing?.roles ?? []), ...adminRoles])] };
  await deps.users.save(user, { upsert: true });
  return { user, identityCreated: created, userCreated: existing === null };
};
