/** CRM users: the identity provider's subject plus the roles that decide what they may do. */
export const roles = ['admin', 'sales'] as const;
export type Role = (typeof roles)[number];

export type User = { id: string; email: string; name: string; roles: Role[] };

export const hasRole = (user: User, role: Role): boolean => user.roles.includes(role);
