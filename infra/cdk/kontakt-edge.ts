/**
 * The optional edge of a stage (`edge` in its settings): CloudFront with AWS WAF in front of the
 * anonymous web-form routes — the submissions, their preflights and the embed script — which any
 * website's visitors (and bots) call. The authenticated routes (JWT, agency keys, Meta's signed
 * webhook) stay on the API's own address.
 *
 * - `KontaktEdgeStack` lives in us-east-1, where CloudFront takes its WAF web ACL and certificate
 *   from: the web ACL (a per-IP rate rule and AWS's managed rule groups) and, for a custom domain
 *   without a certificate of its own, an ACM certificate validated through DNS.
 * - `KontaktEdge`, in the stage's stack, is the distribution: every request goes to the HTTP API
 *   with a secret header; the web-form function refuses requests without it (functions/shared/edge.ts),
 *   so the API's own address is closed on those routes, and reads the client's address from
 *   `CloudFront-Viewer-Address`. The embed script is cached at the edge for a few seconds.
 */
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { originSecretHeader } from '../../functions/shared/edge.ts';

export type EdgeSettings = {
  /** a custom domain for the edge (`forms.example.com`); none: CloudFront's own `*.cloudfront.net` */
  domainName?: string | undefined;
  /** an ACM certificate of that domain in us-east-1; none: the edge stack requests one (DNS validation) */
  certificateArn?: string | undefined;
  /** requests one client address may make in 5 minutes before WAF answers 429 */
  rateLimitPer5Minutes: number;
  /**
   * seconds CloudFront keeps an embed script, 1–3: a campaign's burst of page loads reaches the
   * function once a second per edge location; each script carries a fill-time token, so a cached
   * one takes up to this much off a form's minimum fill time (3 s by default)
   */
  embedCacheSeconds: number;
};

export const defaultEdgeSettings: Omit<EdgeSettings, 'domainName' | 'certificateArn'> = {
  // a person sends a form now and then; an office behind one address loads a few pages
  rateLimitPer5Minutes: 300,
  embedCacheSeconds: 1,
};

/** The headers the web-form routes read (plus the viewer's address); no Host (API Gateway routes by its own). */
export const edgeForwardedHeaders = [
  'content-type',
  'origin',
  'referer',
  'idempotency-key',
  'x-correlation-id',
  'access-control-request-method',
  'access-control-request-headers',
  'CloudFront-Viewer-Address',
] as const;

const managedRuleGroups = [
  // addresses AWS's threat intelligence knows for bots and attacks
  'AWSManagedRulesAmazonIpReputationList',
  // the OWASP-style common rules (bad bodies, paths, headers)
  'AWSManagedRulesCommonRuleSet',
  // request patterns of known exploits (Log4j and the like)
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

/** us-east-1: the web ACL CloudFront takes, and the custom domain's certificate when none is given. */
export class KontaktEdgeStack extends Stack {
  readonly webAcl: CfnWebACL;
  readonly certificate: ICertificate | undefined;

  constructor(scope: Construct, id: string, props: StackProps & { stage: string; settings: EdgeSettings }) {
    super(scope, id, props);
    const metric = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `kontakt-${props.stage}-${name}`,
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: metric('edge'),
      description: `Kontakt ${props.stage}: per-client rate limit and managed rules for the web-form routes`,
      rules: [
        {
          name: 'RatePerClient',
          priority: 0,
          statement: {
            rateBasedStatement: {
              limit: props.settings.rateLimitPer5Minutes,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
            },
          },
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                // readable by the embed script on any website: it waits instead of retrying blind
                responseHeaders: [
                  { name: 'retry-after', value: '300' },
                  { name: 'access-control-allow-origin', value: '*' },
                  { name: 'access-control-expose-headers', value: 'retry-after' },
                ],
              },
            },
          },
          visibilityConfig: metric('rate-per-client'),
        },
        ...managedRuleGroups.map((name, i) => ({
          name,
          priority: i + 1,
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name,
              // the forms' own limits answer a large body (413, with CORS); WAF's 8 KB rule would not
              ...(name === 'AWSManagedRulesCommonRuleSet'
                ? { ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] }
                : {}),
            },
          },
          overrideAction: { none: {} },
          visibilityConfig: metric(name),
        })),
      ],
    });
    this.certificate =
      props.settings.domainName && !props.settings.certificateArn
        ? new Certificate(this, 'Certificate', {
            domainName: props.settings.domainName,
            validation: CertificateValidation.fromDns(),
          })
        : undefined;
    new CfnOutput(this, 'WebAclArn', { value: this.webAcl.attrArn });
  }
}

export type KontaktEdgeProps = {
  stage: string;
  settings: EdgeSettings;
  /** the HTTP API's id: the origin is its default endpoint */
  apiId: string;
  webAclArn: string;
  certificate: ICertificate | undefined;
  /** where the edge's own log bucket writes its server access logs */
  accessLogs: IBucket;
};

/** The distribution in front of the web-form routes, and the secret it proves itself with. */
export class KontaktEdge extends Construct {
  readonly distribution: Distribution;
  readonly originSecret: Secret;
  /** the address browsers reach the web-form routes at */
  readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: KontaktEdgeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.originSecret = new Secret(this, 'OriginSecret', {
      description: `Kontakt ${props.stage}: the header CloudFront proves itself with to the web-form routes`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.originSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront’s origin header and the function’s variable read it at deploy time; rotating it is a redeploy with a new secret (README), not a rotation Lambda.',
    });
    const origin = new HttpOrigin(`${props.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      customHeaders: { [originSecretHeader]: this.originSecret.secretValue.unsafeUnwrap() },
    });
    const forwarded = new OriginRequestPolicy(this, 'FormRequests', {
      comment: 'Kontakt web-form routes: their headers and the viewer address, no Host',
      headerBehavior: OriginRequestHeaderBehavior.allowList(...edgeForwardedHeaders),
      queryStringBehavior: OriginRequestQueryStringBehavior.all(),
      cookieBehavior: OriginRequestCookieBehavior.none(),
    });
    const embedCache = new CachePolicy(this, 'EmbedScript', {
      comment: 'Kontakt embed scripts: a few seconds at the edge (each carries a fill-time token)',
      minTtl: Duration.seconds(props.settings.embedCacheSeconds),
      defaultTtl: Duration.seconds(props.settings.embedCacheSeconds),
      maxTtl: Duration.seconds(props.settings.embedCacheSeconds),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const toApi = {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      originRequestPolicy: forwarded,
    };
    // CloudFront's standard logs are written with ACLs: a bucket of their own that allows them
    const logBucket = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'edge-logs/',
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    const certificate = props.settings.certificateArn
      ? Certificate.fromCertificateArn(this, 'Certificate', props.settings.certificateArn)
      : props.certificate;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Kontakt ${props.stage}: web forms`,
      defaultBehavior: {
        ...toApi,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
      },
      additionalBehaviors: {
        '/v1/webforms/*/embed.js': { ...toApi, allowedMethods: AllowedMethods.ALLOW_GET_HEAD, cachePolicy: embedCache },
      },
      webAclId: props.webAclArn,
      httpVersion: HttpVersion.HTTP2_AND_3,
      // IPv4 only: WAF's rate rule counts single addresses, and an IPv6 client holds a whole /64
      enableIpv6: false,
      priceClass: PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      enableLogging: true,
      logBucket,
      logFilePrefix: 'edge/',
      ...(props.settings.domainName && certificate ? { domainNames: [props.settings.domainName], certificate } : {}),
    });
    if (!props.settings.domainName) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront serves its *.cloudfront.net certificate, whose policy CloudFront sets; with `edge.domainName` TLS 1.2 (2021) is the minimum.',
      });
    }
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Web forms are embedded on customers’ websites worldwide; no country is shut out.',
    });
    this.baseUrl = `https://${props.settings.domainName ?? this.distribution.distributionDomainName}`;
  }
}
