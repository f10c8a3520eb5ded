// Smart BCC mail: the raw-mail bucket and the SES receipt rule that fills it and then calls the receipt function.
import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
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
  /** the account's active rule set in this region; without it the stack brings its own, to be activated by hand */
  existingRuleSetName?: string | undefined;
};

export class MailReceiving extends Construct {
  readonly ruleSet: IReceiptRuleSet;
  /** true when the stack created the rule set, which CloudFormation cannot activate */
  readonly ownsRuleSet: boolean;

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
