/** The Facebook lead guard: a lead is stored once per leadgen id, however often Meta or the queue delivers it. */
import { defineLeadGuard } from '../inbox/lead-guard.entity.ts';

export const facebookLeads = defineLeadGuard('facebook-lead', 'FBLEAD#', 'FBLEAD');
