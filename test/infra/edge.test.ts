// The optional edge of a stage: CloudFront with AWS WAF (its web ACL and certificate in us-east-1)
// in front of the anonymous web-form routes, the API's own address closed to them by a secret header,
// a short-lived cache for the embed script, and the viewer's address passed on for per-client limits.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { originSecretHeader } from '../../functions/shared/edge.ts';
import type { KontaktStack } from '../../infra/cdk/kontakt-stack.ts';
import { functionEntries } from '../../infra/manifest.ts';
import { buildTestApp, logicalIdOf, ref } from './synth-kontakt.ts';

let stack: KontaktStack;
let main: Template;
let edge: Template;

beforeAll(() => {
  const built = buildTestApp(
    { 'kontakt:edge': '{"domainName":"forms.example.com","rateLimitPer5Minutes":200}' },
    { nag: true },
  );
  stack = built.stack;
  main = Template.fromStack(built.stack);
  if (!built.edgeStack) throw new Error('a stage with edge settings has an edge stack');
  expect(built.edgeStack.region).toBe('us-east-1');
  edge = Template.fromStack(built.edgeStack);
});

const functionNamed = (name: string) => {
  const fn = stack.functions.get(name);
  if (!fn) throw new Error(`no function ${name}`);
  return main.toJSON().Resources[logicalIdOf(fn.fn)] as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  };
};

describe('the edge stack in us-east-1', () => {
  it('has a CloudFront web ACL that limits each client address and runs AWS’s managed rule groups', () => {
    edge.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'RatePerClient',
          Statement: { RateBasedStatement: { Limit: 200, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
          Action: {
            Block: {
              CustomResponse: Match.objectLike({
                ResponseCode: 429,
                ResponseHeaders: Match.arrayWith([{ Name: 'access-control-allow-origin', Value: '*' }]),
              }),
            },
          },
        }),
        ...[
          'AWSManagedRulesAmazonIpReputationList',
          'AWSManagedRulesCommonRuleSet',
          'AWSManagedRulesKnownBadInputsRuleSet',
        ].map((name) =>
          Match.objectLike({
            Name: name,
            OverrideAction: { None: {} },
            Statement: { ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: name }) },
          }),
        ),
      ]),
    });
  });

  it('requests the custom domain’s certificate, validated through DNS', () => {
    edge.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'forms.example.com',
      ValidationMethod: 'DNS',
    });
  });
});

describe('the distribution', () => {
  it('serves the custom domain with TLS 1.2 at least, behind the web ACL of the edge stack', () => {
    main.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['forms.example.com'],
        WebACLId: Match.anyValue(),
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
        Logging: Match.objectLike({ Prefix: 'edge/' }),
      }),
    });
    main.hasOutput('EdgeUrl', { Value: 'https://forms.example.com' });
    main.hasOutput('EdgeDnsRecord', { Value: Match.anyValue() });
  });

  it('passes every request on to the API with the secret header, over HTTPS only', () => {
    main.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: [
          Match.objectLike({
            DomainName: {
              'Fn::Join': ['', [ref(stack.api.api), '.execute-api.eu-west-1.', { Ref: 'AWS::URLSuffix' }]],
            },
            CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }),
            OriginCustomHeaders: [
              {
                HeaderName: originSecretHeader,
                HeaderValue: Match.objectLike({
                  'Fn::Join': Match.arrayWith([Match.arrayWith(['{{resolve:secretsmanager:'])]),
                }),
              },
            ],
          }),
        ],
      }),
    });
  });

  it('forwards the web-form routes’ headers and the viewer’s address, never Host or Authorization', () => {
    const [policy] = Object.values(main.findResources('AWS::CloudFront::OriginRequestPolicy')) as {
      Properties: { OriginRequestPolicyConfig: { HeadersConfig: { HeaderBehavior: string; Headers: string[] } } };
    }[];
    const headers = policy?.Properties.OriginRequestPolicyConfig.HeadersConfig;
    expect(headers?.HeaderBehavior).toBe('whitelist');
    expect(headers?.Headers).toEqual([
      'content-type',
      'origin',
      'referer',
      'idempotency-key',
      'x-correlation-id',
      'access-control-request-method',
      'access-control-request-headers',
      'CloudFront-Viewer-Address',
    ]);
    expect(headers?.Headers.map((h) => h.toLowerCase())).not.toContain('host');
    expect(headers?.Headers.map((h) => h.toLowerCase())).not.toContain('authorization');
  });

  it('caches the embed script a second, one copy per form whatever the query or headers, and nothing else', () => {
    const [policyId] = Object.keys(main.findResources('AWS::CloudFront::CachePolicy'));
    main.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        MinTTL: 1,
        DefaultTTL: 1,
        MaxTTL: 1,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          QueryStringsConfig: { QueryStringBehavior: 'none' },
          HeadersConfig: { HeaderBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
        }),
      }),
    });
    main.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/v1/webforms/*/embed.js',
            AllowedMethods: ['GET', 'HEAD'],
            CachePolicyId: { Ref: policyId },
          }),
        ],
        // AWS's managed CachingDisabled policy; preflights (OPTIONS) and posts pass
        DefaultCacheBehavior: Match.objectLike({
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
          AllowedMethods: Match.arrayWith(['OPTIONS', 'POST']),
        }),
        IPV6Enabled: false,
      }),
    });
  });

  it('takes its web ACL from the edge stack in us-east-1', () => {
    const distribution = Object.values(main.findResources('AWS::CloudFront::Distribution'))[0] as {
      Properties: { DistributionConfig: { WebACLId: { 'Fn::GetAtt': [string, string] } } };
    };
    const [reader, exported] = distribution.Properties.DistributionConfig.WebACLId['Fn::GetAtt'];
    expect(reader).toMatch(/^ExportsReader/);
    expect(exported).toMatch(/edgeuseast1.*WebAclArn/);
  });
});

describe('the web-form function behind the edge', () => {
  it('gets the secret CloudFront sends, and the edge’s address; no other function does', () => {
    const variables = functionNamed('webform-submissions').Properties.Environment.Variables;
    const secretRef = { Ref: logicalIdOf(stack.edge?.originSecret ?? stack) };
    const resolved = { 'Fn::Join': ['', ['{{resolve:secretsmanager:', secretRef, ':SecretString:::}}']] };
    expect(variables.ORIGIN_SECRET).toEqual(resolved);
    main.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: [
          Match.objectLike({ OriginCustomHeaders: [{ HeaderName: originSecretHeader, HeaderValue: resolved }] }),
        ],
      }),
    });
    expect(variables.PUBLIC_API_BASE).toBe('https://forms.example.com');
    for (const [name] of functionEntries().filter(([n]) => n !== 'webform-submissions')) {
      expect(functionNamed(name).Properties.Environment.Variables.ORIGIN_SECRET, name).toBeUndefined();
    }
  });
});

describe('a stage without an edge', () => {
  it('has no distribution, no edge stack, and its web-form function answers on the API’s address', () => {
    const built = buildTestApp({}, { nag: false });
    const template = Template.fromStack(built.stack);
    expect(built.edgeStack).toBeUndefined();
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('web-form submissions'),
      Environment: { Variables: Match.objectLike({ ORIGIN_SECRET: Match.absent(), PUBLIC_API_BASE: Match.absent() }) },
    });
  });

  it('refuses edge settings CloudFront could not take', () => {
    const build = (edge: string) => () => buildTestApp({ 'kontakt:edge': edge }, { nag: false });
    expect(
      build('{"domainName":"f.example.com","certificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/x"}'),
    ).toThrow(/us-east-1/);
    expect(build('{"rateLimitPer5Minutes":5}')).toThrow(/rateLimitPer5Minutes/);
    expect(build('{"domain":"f.example.com"}')).toThrow(/edge has no domain/);
    expect(build('{"embedCacheSeconds":10}')).toThrow(/embedCacheSeconds must be 1–3/);
    expect(build('{"embedCacheSeconds":0}')).toThrow(/embedCacheSeconds must be 1–3/);
  });
});
