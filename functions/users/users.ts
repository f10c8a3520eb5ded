/** Who am I, who else works here, and adding a user (admins only). */
import * as z from 'zod/mini';
import { roles, type User } from '../../domain/users/user.ts';
import { defaultLimit, LimitParam } from '../shared/cursor.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { UserRepository } from './user.repository.ts';

/** API.md's list convention: `limit` and `cursor`, nothing else unless a list names its filters. */
export const ListQuery = z.strictObject({ limit: LimitParam, cursor: z.optional(z.string()) });

export const UserOut = z.object({ id: z.string(), email: z.string(), name: z.string(), roles: z.array(z.enum(roles)) });
export const UserPageOut = z.object({ items: z.array(UserOut), nextCursor: z.nullable(z.string()) });

/** A user as the API shows them, mapped field by field (never the stored item). */
export const toUserResponse = (user: User): z.infer<typeof UserOut> => ({
  id: user.id,
  email: user.email,
  name: user.name,
  roles: [...user.roles],
});

export const NewUserBody = z.strictObject({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  email: z.email('not a valid email address').check(z.maxLength(254)),
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  roles: z.array(z.enum(roles)).check(z.minLength(1, 'give at least one role')),
});

export const getMe = async (request: HttpRequest<undefined, undefined, undefined>): Promise<HttpResult> => ({
  status: 200,
  body: request.user ? toUserResponse(request.user) : undefined,
});

export const listUsers =
  (users: UserRepository) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof ListQuery>>): Promise<HttpResult> => {
    const page = await users.list(request.query.limit ?? defaultLimit, request.query.cursor);
    return { status: 200, body: { items: page.items.map(toUserResponse), nextCursor: page.nextCursor } };
  };

export const createUser =
  (users: UserRepository) =>
  async (request: HttpRequest<z.infer<typeof NewUserBody>, undefined, undefined>): Promise<HttpResult> => {
    const user = { ...request.body, roles: [...new Set(request.body.roles)] };
    await users.save(user);
    return {
      status: 201,
      body: toUserResponse(user),
      headers: { location: `/v1/users/${encodeURIComponent(user.id)}` },
    };
  };
