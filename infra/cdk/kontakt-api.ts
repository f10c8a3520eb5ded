// The HTTP API: one route per manifest route, JWT-checked unless public, throttled per route in the stage.

import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, functionEntries, routeKey } from '../manifest.ts';

/** For a route the manifest gives no throttle; requests beyond it get API Gateway's own 429. */
export const defaultRouteThrottle = { rateLimit: 50, burstLimit: 100 };

/** HTTP API context variables (not the REST API's): one JSON object per request. */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    user: '$context.authorizer.claims.sub',
  }),
);

export type KontaktApiProps = {
  handlers: ReadonlyMap<FunctionName, IFunction>;
  userAuthorizer: IHttpRouteAuthorizer;
};

export class KontaktApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** by route key, `METHOD /path` */
  readonly routes: ReadonlyMap<string, HttpRoute>;

  constructor(scope: Construct, id: string, { handlers, userAuthorizer }: KontaktApiProps) {
    super(scope, id);
    // No corsPreflight: API-level CORS would answer preflights itself and hide the web-form function's per-form CORS.
    this.api = new HttpApi(this, 'Http', { createDefaultStage: false });

    const routes = new Map<string, HttpRoute>();
    const routeSettings: Record<string, { throttlingRateLimit: number; throttlingBurstLimit: number }> = {};
    for (const [name, spec] of functionEntries()) {
      if (!spec.routes?.length) continue;
      const handler = handlers.get(name);
      if (!handler) throw new Error(`function ${name} has routes but no handler was built`);
      const integration = new HttpLambdaIntegration(`${name}-integration`, handler, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        // one invoke permission per function for this API (not one per route: 96 routes would
        // take a fifth of CloudFormation's 500 resources a stack may hold)
        scopePermissionToRoute: false,
      });
      for (const route of spec.routes) {
        const key = routeKey(route);
        if (routes.has(key)) throw new Error(`the manifest declares route ${key} twice`);
        const httpRoute = new HttpRoute(this, key, {
          httpApi: this.api,
          routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
          integration,
          authorizer: route.auth === 'user' ? userAuthorizer : new HttpNoneAuthorizer(),
        });
        if (route.auth === 'public') {
          Validations.of(httpRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${key} is public by design (manifest auth: public): anonymous clients such as web forms call it, the function validates what it accepts and the stage throttles the route.`,
          });
        }
        routes.set(key, httpRoute);
        const throttle = route.throttle ?? defaultRouteThrottle;
        routeSettings[key] = { throttlingRateLimit: throttle.rateLimit, throttlingBurstLimit: throttle.burstLimit };
      }
    }

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: defaultRouteThrottle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: accessLogFormat },
    });
    const cfnStage = this.stage.node.defaultChild;
    if (!(cfnStage instanceof CfnStage)) throw new Error('HttpStage no longer wraps a CfnStage');
    // Route settings name route keys, so CloudFormation must create the routes before it updates the stage.
    cfnStage.routeSettings = routeSettings;
    for (const route of routes.values()) this.stage.node.addDependency(route);
    this.routes = routes;
  }
}
