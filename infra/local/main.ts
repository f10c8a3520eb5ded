/** `npm start`: runs the local stack until Ctrl-C, printing every endpoint and route. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { functionEntries } from '../manifest.ts';
import { configFromEnv, startLocalStack } from './local-stack.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const config = configFromEnv(root);
const stack = await startLocalStack(config);

console.log('Kontakt local stack');
for (const [name, value] of Object.entries(stack.endpoints)) console.log(`  ${name.padEnd(20)} ${value}`);
console.log('Routes');
for (const [name, spec] of functionEntries()) {
  for (const route of spec.routes ?? []) {
    console.log(`  ${route.method.padEnd(6)} ${stack.endpoints['HTTP API']}${route.path}  (${route.auth}, ${name})`);
  }
}
console.log('Kontakt local stack ready. Ctrl-C stops it; data stays in', config.dataDir);

let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  stack.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
// The in-process services (HTTP, SMTP, fauxqs, SES) live and die with this process; DynamoDB Local
// is supervised and restarted by the stack. When it cannot be brought back, serving on without a
// database would answer every request 503 for ever: stop, loudly, with a non-zero exit code.
void stack.failed.then((error) => {
  if (stopping) return;
  stopping = true;
  console.error(`\nKontakt local stack cannot go on: ${error.message}\nstopping…`);
  // whatever a component does while it stops, the process ends, with the error's exit code
  setTimeout(() => process.exit(1), 20_000).unref();
  stack.stop().finally(() => process.exit(1));
});
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
