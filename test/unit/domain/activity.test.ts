import { describe, expect, it } from 'vitest';
import {
  type Activity,
  awaitsReminder,
  createActivity,
  markActivityDone,
  patchActivity,
  planRunHash,
  reassignActivity,
  reminderMessage,
  rescheduleActivity,
  scheduleActivityPlan,
} from '../../../domain/activities/activity.ts';
import { germanNationalHolidays } from '../../../domain/calendar/german-holidays.ts';
import type { PlannedActivity } from '../../../domain/pipelines/pipeline.ts';
import { KontaktError } from '../../../domain/shared/errors.ts';

const t0 = new Date('2027-03-01T08:00:00.000Z');
const t1 = new Date('2027-03-02T08:00:00.000Z');
const holidays = germanNationalHolidays(2027).map((h) => h.date);

const anActivity = (overrides: Partial<Activity> = {}): Activity => ({
  ...createActivity(
    'a1',
    {
      type: 'call',
      subject: 'Bedarf klären',
      dueAt: '2027-03-03T10:00:00+01:00',
      durationMinutes: 30,
      responsibleUserId: 'u1',
      opportunityId: 'o1',
    },
    t0,
  ),
  ...overrides,
});

const planned = (offsetDays: number, subject: string, extra: Partial<PlannedActivity> = {}): PlannedActivity => ({
  type: 'call',
  subject,
  offsetDays,
  durationMinutes: 30,
  assignee: 'responsible',
  ...extra,
});

const thrownBy = (action: () => unknown): KontaktError => {
  try {
    action();
  } catch (error) {
    if (error instanceof KontaktError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
};

describe('an activity', () => {
  it('is created open, due in UTC, at version 1, waiting for its reminder', () => {
    const activity = anActivity();

    expect(activity).toMatchObject({
      status: 'open',
      dueAt: '2027-03-03T09:00:00.000Z',
      doneAt: null,
      reminderSentAt: null,
      companyId: null,
      ticketId: null,
      version: 1,
      createdAt: t0.toISOString(),
    });
    expect(awaitsReminder(activity)).toBe(true);
  });

  it('waits for no reminder when nobody is responsible, when done or when reminded', () => {
    expect(awaitsReminder(anActivity({ responsibleUserId: null }))).toBe(false);
    expect(awaitsReminder(markActivityDone(anActivity(), t1))).toBe(false);
    expect(awaitsReminder(anActivity({ reminderSentAt: t1.toISOString() }))).toBe(false);
  });

  it('is rescheduled to a new due time, and a reminder already sent is armed again', () => {
    const reminded = anActivity({ reminderSentAt: '2027-03-03T09:00:05.000Z', version: 2 });

    const next = rescheduleActivity(reminded, '2027-03-10T14:00:00Z', t1);

    expect(next.dueAt).toBe('2027-03-10T14:00:00.000Z');
    expect(next.reminderSentAt).toBeNull();
    expect(awaitsReminder(next)).toBe(true);
    expect(next.version).toBe(3);
    expect(next.updatedAt).toBe(t1.toISOString());
  });

  it('keeps its reminder state when only the subject or the user changes', () => {
    const reminded = anActivity({ reminderSentAt: '2027-03-03T09:00:05.000Z' });

    const next = patchActivity(reminded, { subject: 'Angebot besprechen', responsibleUserId: 'u2' }, t1);

    expect(next).toMatchObject({ subject: 'Angebot besprechen', responsibleUserId: 'u2' });
    expect(next.reminderSentAt).toBe('2027-03-03T09:00:05.000Z');
  });

  it('is reassigned to another user', () => {
    expect(reassignActivity(anActivity(), 'u2', t1).responsibleUserId).toBe('u2');
  });

  it('is done once: a second done changes nothing', () => {
    const done = markActivityDone(anActivity(), t1);

    const again = markActivityDone(done, new Date('2027-04-01T00:00:00Z'));

    expect(done).toMatchObject({ status: 'done', doneAt: t1.toISOString(), version: 2 });
    expect(again).toBe(done);
  });

  it('once done, is documentation: it can be corrected but not rescheduled or reassigned', () => {
    const done = markActivityDone(anActivity(), t1);

    const rescheduling = thrownBy(() => rescheduleActivity(done, '2027-05-01T09:00:00Z', t1));
    const reassigning = thrownBy(() => reassignActivity(done, 'u2', t1));
    const corrected = patchActivity(done, { subject: 'Bedarf geklärt', durationMinutes: 45 }, t1);

    expect(rescheduling).toMatchObject({ code: 'activity-done' });
    expect(reassigning).toMatchObject({ code: 'activity-done' });
    expect(corrected).toMatchObject({ subject: 'Bedarf geklärt', durationMinutes: 45, status: 'done' });
  });
});

describe('scheduling an activity plan', () => {
  it('puts every activity on a working day at 09:00 Berlin time, in chronological order', () => {
    const plan = [planned(5, 'Nachfassen'), planned(0, 'Erstkontakt'), planned(2, 'Unterlagen senden')];

    // Wednesday 24 March 2027: Good Friday and Easter Monday follow, and summer time starts on the 28th
    const activities = scheduleActivityPlan(plan, '2027-03-24', holidays, 'u1');

    expect(activities.map((a) => [a.subject, a.dueAt])).toEqual([
      ['Erstkontakt', '2027-03-24T08:00:00.000Z'],
      ['Unterlagen senden', '2027-03-30T07:00:00.000Z'],
      ['Nachfassen', '2027-04-02T07:00:00.000Z'],
    ]);
  });

  it('keeps plan order for activities due at the same moment', () => {
    const plan = [planned(1, 'B'), planned(1, 'A'), planned(1, 'C')];

    expect(scheduleActivityPlan(plan, '2027-06-01', holidays, 'u1').map((a) => a.subject)).toEqual(['B', 'A', 'C']);
  });

  it('honours a time the plan gives, and orders by it within the day', () => {
    const plan = [planned(0, 'Vormittag', { time: '11:30' }), planned(0, 'Früh', { time: '08:15' })];

    const activities = scheduleActivityPlan(plan, '2027-06-01', holidays, 'u1');

    expect(activities.map((a) => [a.subject, a.dueAt])).toEqual([
      ['Früh', '2027-06-01T06:15:00.000Z'],
      ['Vormittag', '2027-06-01T09:30:00.000Z'],
    ]);
  });

  it("gives 'responsible' activities to the opportunity's user and named ones to that user", () => {
    const plan = [planned(0, 'Anruf'), planned(1, 'Angebot', { type: 'task', assignee: 'backoffice-1' })];

    const activities = scheduleActivityPlan(plan, '2027-06-01', holidays, 'u1');
    const unassigned = scheduleActivityPlan(plan, '2027-06-01', holidays, null);

    expect(activities.map((a) => a.responsibleUserId)).toEqual(['u1', 'backoffice-1']);
    expect(unassigned.map((a) => a.responsibleUserId)).toEqual([null, 'backoffice-1']);
    expect(activities[1]).toMatchObject({ type: 'task', durationMinutes: 30 });
  });
});

describe('the identity of a plan run', () => {
  const plan = [planned(0, 'Erstkontakt'), planned(2, 'Nachfassen')];

  it('is the same for the same opportunity, pipeline, plan and start date', () => {
    expect(planRunHash('o1', 'p1', plan, '2027-06-01')).toBe(planRunHash('o1', 'p1', [...plan], '2027-06-01'));
    expect(planRunHash('o1', 'p1', plan, '2027-06-01')).toBe(
      planRunHash('o1', 'p1', [planned(0, 'Erstkontakt', { time: '09:00' }), planned(2, 'Nachfassen')], '2027-06-01'),
    );
  });

  it('differs when the start date, the plan, the pipeline or the opportunity differs', () => {
    const base = planRunHash('o1', 'p1', plan, '2027-06-01');

    expect(planRunHash('o1', 'p1', plan, '2027-06-02')).not.toBe(base);
    expect(planRunHash('o1', 'p1', [planned(0, 'Erstkontakt'), planned(3, 'Nachfassen')], '2027-06-01')).not.toBe(base);
    expect(planRunHash('o1', 'p2', plan, '2027-06-01')).not.toBe(base);
    expect(planRunHash('o2', 'p1', plan, '2027-06-01')).not.toBe(base);
  });
});

describe('the reminder mail', () => {
  it('names the activity, its due time in Berlin and where to find it', () => {
    const message = reminderMessage(anActivity(), 'Anna');

    expect(message.subject).toBe('Erinnerung: Bedarf klären');
    expect(message.text).toContain('Hallo Anna,');
    expect(message.text).toContain('Anruf: Bedarf klären');
    expect(message.text).toContain('03.03.2027, 10:00');
    expect(message.text).toContain('/v1/activities/a1');
  });
});
