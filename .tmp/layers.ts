import { Template } from 'aws-cdk-lib/assertions';
import { buildTestApp } from '/work/main/test/infra/support.ts';
