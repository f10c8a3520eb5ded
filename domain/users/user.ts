/** CRM users: the identity provider's subject plus the roles that decide what they may do. */
/** `service` works service tickets (seed 004); every user reads them, service and admin write them. */
export const roles = ['admin', 'sales', 'service'] as const;
export type Role = (typeof roles)[number];

export type User = { id: string; email: string; name: string; roles: Role[] };

export const hasRole = (user: User, role: Role): boolean => user.roles.includes(role);

/** Holds at least one of the roles. */
export const hasAnyRole = (user: User, wanted: readonly Role[]): boolean => wanted.some((role) => hasRole(user, role));
