/**
 * Tests call use cases and domain functions directly, not through a handler: what modules defer
 * from a function's cold start (the phone numbering plan) is loaded before each test file, as the
 * handlers' wrappers load it before each invocation (domain/shared/deferred-init.ts).
 */

import { loadPhoneNumbering } from '../../domain/duplicates/normalise-phone.ts';
import { initDeferred } from '../../domain/shared/deferred-init.ts';

await loadPhoneNumbering();
await initDeferred();
