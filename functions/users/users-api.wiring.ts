/**
 * The routes of /v1/me, /v1/users and the users' alternative addresses for Smart BCC.
 * Wired to their dependencies here; users-api.handler.ts loads this with the first request.
 */
import * as z from 'zod/mini';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import {
  addAddress,
  type ConfirmationMail,
  confirmAddress,
  type EmailAddressesDeps,
  listAddresses,
  removeAddress,
  showConfirmation,
} from './email-addresses.ts';
import { tableUsers } from './table-users.ts';
import { createUserAddressRepository } from './user-address.repository.ts';
import { usersRoutes } from './users.routes.ts';
import { createUser, getMe, listUsers } from './users.ts';

/** REMINDER_SENDER: the From address of Kontakt's own mail, an address of the SES identity the function may send as. */
const env = readEnv(z.object({ ...tableEnv, REMINDER_SENDER: z.email() }));
const doc = sharedDocumentClient();
// the router's user lookup and these routes share one repository
const users = tableUsers;

// SES is loaded with the first confirmation mail, not at every cold start of this API
let sender: Promise<{ send: (mail: ConfirmationMail & { from: string }) => Promise<unknown> }> | undefined;
const sendMail = async (mail: ConfirmationMail): Promise<void> => {
  sender ??= Promise.all([import('../shared/email-sender.ts'), import('../shared/ses-client.ts')]).then(
    ([{ createEmailSender }, { createSesClient }]) => createEmailSender(createSesClient()),
  );
  await (await sender).send({ ...mail, from: env.REMINDER_SENDER });
};

const addressDeps: EmailAddressesDeps = {
  addresses: createUserAddressRepository(doc, env.TABLE_NAME),
  users,
  // the domain Kontakt sends from and receives for
  mailDomain: env.REMINDER_SENDER.slice(env.REMINDER_SENDER.lastIndexOf('@') + 1),
  sendMail,
  now: () => new Date(),
};

export const routes = routeTable(usersRoutes, {
  'GET /v1/me': getMe,
  'GET /v1/users': listUsers(users),
  'POST /v1/users': createUser(users),
  'GET /v1/me/email-addresses': listAddresses(addressDeps),
  'POST /v1/me/email-addresses': addAddress(addressDeps),
  'DELETE /v1/me/email-addresses/{address}': removeAddress(addressDeps),
  'GET /v1/email-addresses/confirmation': showConfirmation(addressDeps),
  'POST /v1/email-addresses/confirmation': confirmAddress(addressDeps),
});
