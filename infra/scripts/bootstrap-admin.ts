/**
 * `npm run bootstrap-admin -- --user-pool-id <UserPoolId> --table <TableName> --email <address>
 * [--name <name>]`: the first admin of a deployed stage (outputs `UserPoolId` and `TableName` of
 * `Kontakt-<stage>`), with the usual AWS credential chain and region. Cognito mails the invitation.
 */
import { parseArgs } from 'node:util';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { bootstrapAdmin } from './first-admin.ts';

const { values } = parseArgs({
  options: {
    'user-pool-id': { type: 'string' },
    table: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string', default: '' },
  },
});
const userPoolId = values['user-pool-id'];
if (!userPoolId || !values.table || !values.email) {
  console.error(
    'usage: npm run bootstrap-admin -- --user-pool-id <UserPoolId output> --table <TableName output> --email <address> [--name <name>]',
  );
  process.exit(2);
}

const cognito = new CognitoIdentityProviderClient({});
const subOf = (attributes: { Name?: string; Value?: string }[] | undefined): string => {
  const sub = attributes?.find((a) => a.Name === 'sub')?.Value;
  if (!sub) throw new Error('Cognito answered a user without a sub');
  return sub;
};
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const result = await bootstrapAdmin(
  {
    identities: {
      async ensureUser(email) {
        try {
          const created = await cognito.send(
            new AdminCreateUserCommand({
              UserPoolId: userPoolId,
              Username: email,
              UserAttributes: [
                { Name: 'email', Value: email },
                { Name: 'email_verified', Value: 'true' },
              ],
              DesiredDeliveryMediums: ['EMAIL'],
            }),
          );
          return { sub: subOf(created.User?.Attributes), created: true };
        } catch (error) {
          if (!(error instanceof UsernameExistsException)) throw error;
          const found = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
          return { sub: subOf(found.UserAttributes), created: false };
        }
      },
    },
    users: createUserRepository(doc, values.table),
  },
  { email: values.email, name: values.name ?? '' },
);
console.log(JSON.stringify(result));
