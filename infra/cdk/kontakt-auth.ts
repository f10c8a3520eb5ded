// CRM users sign in with Cognito; the HTTP API checks their tokens with a JWT authorizer.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  UserPoolEmail,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export type KontaktAuthProps = {
  /** keep the pool when the stack goes */
  retain: boolean;
  /** the stage's mail domain, an SES identity of the stack's: Cognito's mail comes from it once verified */
  mailDomain: string;
  /** SES has verified the mail domain (its DKIM records are in DNS) */
  mailDomainVerified: boolean;
  /** where the hosted sign-in returns to (authorization code flow); none: OAuth off */
  oauthCallbackUrls?: readonly string[] | undefined;
};

export class KontaktAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: KontaktAuthProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Users', {
      // invitations and codes come from the stage's own domain through SES (Cognito's default
      // sender allows 50 mails a day) once SES has verified the domain: Cognito refuses an
      // unverified identity, so a first deploy sends with Cognito's own until the DKIM records are in
      ...(props.mailDomainVerified
        ? {
            email: UserPoolEmail.withSES({
              fromEmail: `no-reply@${props.mailDomain}`,
              fromName: 'Kontakt',
              sesRegion: Stack.of(this).region,
              sesVerifiedDomain: props.mailDomain,
            }),
          }
        : {}),
      // Accounts are created by an administrator: a CRM is not open to the public.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // The pool guards personal data of every lead and customer; TOTP avoids the cost and SIM-swap risk of SMS.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      // the users of a stage to keep stay when its stack goes; a throw-away stage's go with it
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials tier: the Plus tier’s threat protection is billed per user, and this pool has no self sign-up, required TOTP MFA and a strong password policy.',
    });

    const callbackUrls = [...(props.oauthCallbackUrls ?? [])];
    this.client = this.userPool.addClient('WebClient', {
      // A browser app cannot keep a secret; SRP never sends the password itself.
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // the hosted sign-in's OAuth flows only where a stage names where they return to
      ...(callbackUrls.length === 0
        ? { disableOAuth: true }
        : {
            oAuth: {
              flows: { authorizationCodeGrant: true },
              scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
              callbackUrls,
              logoutUrls: callbackUrls,
            },
          }),
    });

    const issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
    this.authorizer = new HttpJwtAuthorizer('UserJwt', issuer, { jwtAudience: [this.client.userPoolClientId] });
  }
}
