// Smart BCC mail: the raw-mail bucket and the SES receipt rule that fills it and then calls the receipt function.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomResource, Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { EmailIdentity, Identity, type IReceiptRuleSet, ReceiptRule, ReceiptRuleSet } from 'aws-cdk-lib/aws-ses';
import { Lambda, LambdaInvocationType, S3 } from 'aws-cdk-lib/aws-ses-actions';
import { Construct } from 'constructs';
import { type MailRetention, outermostRetentionDays } from '../../domain/emails/mail-retention.ts';
import { inboundMailPrefix } from '../../functions/emails/mail-bucket.ts';

/** Access logs answer "who read this mail?" for a year (they hold addresses and request lines, no mail). */
const accessLogRetention = Duration.days(365);

export class MailStorage extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  /**
   * `retention`: how long mail is kept by what it became (domain/emails/mail-retention.ts). The
   * mail-retention function erases each email when its time is over; the lifecycle rules here are
   * the outer bound for raw mail and its parts, whatever became of their email.
   */
  constructor(scope: Construct, id: string, props: { retention: MailRetention }) {
    super(scope, id);
    const outermost = Duration.days(outermostRetentionDays(props.retention));
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: accessLogRetention, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });

    this.bucket = new Bucket(this, 'RawMail', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'raw-mail/',
      lifecycleRules: [
        // raw mail and its parts outlive no retention class: each email goes with its own class
        // (mail-retention function); these catch what no email names (a copy joined to another)
        { id: 'ExpireRawMail', prefix: inboundMailPrefix, expiration: outermost },
        { id: 'ExpireAttachments', prefix: 'attachments/', expiration: outermost },
        { id: 'ExpireHtmlParts', prefix: 'html/', expiration: outermost },
        // uploaded CSV files are needed until their import is done; a month is ample
        { id: 'ExpireImportFiles', prefix: 'imports/', expiration: Duration.days(30) },
        // an uploaded vCard file is imported within minutes (in parts, by its upload id); its
        // personal data are not kept past a day. Photos (photos/) belong to persons and stay.
        { id: 'ExpireVCardUploads', prefix: 'vcard-uploads/', expiration: Duration.days(1) },
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
  }
}

export type MailReceivingProps = {
  bucket: Bucket;
  receiptFunction: IFunction;
  /** the domain whose every address SES receives for */
  mailDomain: string;
  /** the account's active rule set in this region; without it the stack brings its own */
  existingRuleSetName?: string | undefined;
  /**
   * activate the stack's own rule set when no other set is active in the region (default true); an
   * active set of someone else's is never replaced: the output `ActivateReceiptRuleSet` names the
   * command for that
   */
  activateRuleSet?: boolean | undefined;
};

export class MailReceiving extends Construct {
  readonly ruleSet: IReceiptRuleSet;
  /** true when the stack created the rule set */
  readonly ownsRuleSet: boolean;
  /** the stack's own rule set's switch: `getAttString('Active')` says whether it is the region's active set */
  readonly activation: CustomResource | undefined;

  constructor(scope: Construct, id: string, props: MailReceivingProps) {
    super(scope, id);
    this.ownsRuleSet = props.existingRuleSetName === undefined;
    this.ruleSet =
      props.existingRuleSetName === undefined
        ? new ReceiptRuleSet(this, 'RuleSet')
        : ReceiptRuleSet.fromReceiptRuleSetName(this, 'RuleSet', props.existingRuleSetName);

    new ReceiptRule(this, 'SmartBcc', {
      ruleSet: this.ruleSet,
      recipients: [props.mailDomain],
      scanEnabled: true,
      enabled: true,
      // Order matters: the mail is stored first, so the message the function enqueues points at an object that exists.
      actions: [
        new S3({ bucket: props.bucket, objectKeyPrefix: inboundMailPrefix }),
        new Lambda({ function: props.receiptFunction, invocationType: LambdaInvocationType.EVENT }),
      ],
    });

    this.activation = this.ownsRuleSet ? this.ruleSetSwitch(props.activateRuleSet ?? true) : undefined;
  }

  /**
   * CloudFormation can neither activate a receipt rule set nor delete an active one. A custom
   * resource (inline code: inline/receipt-rule-set-switch.cjs) activates the stack's own set on
   * create when the region has none active, and deactivates it on delete when it is the active
   * one, so `cdk destroy` works. It depends on the rule set: created after it, deleted before it.
   */
  private ruleSetSwitch(activate: boolean): CustomResource {
    const logGroup = new LogGroup(this, 'SwitchLogs', { retention: RetentionDays.ONE_MONTH });
    const role = new Role(this, 'SwitchRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Activates and deactivates the stack receipt rule set of its own',
    });
    logGroup.grantWrite(role);
    role.addToPolicy(
      new PolicyStatement({
        actions: ['ses:DescribeActiveReceiptRuleSet', 'ses:SetActiveReceiptRuleSet'],
        resources: ['*'],
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'SES’s receipt rule set actions support no resource-level permissions; these two only read and set the active set.',
    });
    const fn = new LambdaFunction(this, 'Switch', {
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      handler: 'index.handler',
      code: Code.fromInline(readFileSync(join(import.meta.dirname, 'inline', 'receipt-rule-set-switch.cjs'), 'utf8')),
      timeout: Duration.seconds(30),
      role,
      logGroup,
      description: 'Activates the SES receipt rule set of the stack on create, deactivates it before delete',
    });
    const resource = new CustomResource(this, 'Activation', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::ReceiptRuleSetActivation',
      // a function that cannot answer fails the deploy in minutes, not CloudFormation's hour
      serviceTimeout: Duration.minutes(5),
      properties: { RuleSetName: this.ruleSet.receiptRuleSetName, Activate: String(activate) },
    });
    resource.node.addDependency(this.ruleSet);
    return resource;
  }
}

/**
 * The stage's mail domain as an SES identity with Easy DKIM: what reminders and Cognito's mail are
 * sent as. SES verifies it once the three DKIM CNAME records (outputs `DkimRecord1`…`3`) are in the
 * domain's DNS; until then sending from it fails (receiving needs only the MX record).
 */
export class MailIdentity extends Construct {
  readonly identity: EmailIdentity;

  constructor(scope: Construct, id: string, props: { mailDomain: string }) {
    super(scope, id);
    this.identity = new EmailIdentity(this, 'Domain', { identity: Identity.domain(props.mailDomain) });
  }
}
