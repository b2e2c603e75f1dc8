import { describe, expect, it } from 'vitest';
import { loadDefaultTriageRules } from '../../../src/config/triage-schema.ts';
import { triage } from '../../../src/domain/triage/index.ts';

const rules = loadDefaultTriageRules();
const flags = (body: string, subject?: string) => triage({ body, subject }, rules).redFlags;

// One or more phrasings per DOMAIN.md §2.3 group (A1–H53), written for these tests.
const positives: [rule: string, body: string][] = [
  ['chest-pain', 'I have a sharp pain in my chest when I breathe in.'],
  ['chest-pain', 'Chest pain started an hour ago while I was mowing.'],
  ['chest-pressure', 'My chest feels tight and heavy tonight.'],
  ['chest-pressure', 'It feels like an elephant is sitting on my chest.'],
  ['radiating-pain', 'The pain is going down my left arm.'],
  ['radiating-pain', 'There is an ache that shoots up into my jaw.'],
  ['heart-attack', "I think I'm having a heart attack."],
  ['palpitations', 'My heart has been racing for an hour and will not slow down.'],
  ['cold-sweat', "I'm in a cold sweat and my chest feels strange."],
  ['upper-abdominal-pain', 'Pressure in my upper stomach since dinner.'],
  ['shortness-of-breath', 'Getting short of breath just walking to the bathroom.'],
  ['cant-breathe', 'My wife is having difficulty breathing.'],
  ['cant-breathe', 'I can’t catch my breath.'],
  ['choking', 'My toddler is choking on a grape!'],
  ['cyanosis', 'His lips are turning blue.'],
  ['allergic-swelling', 'After the shrimp my tongue is swelling and my throat feels tight.'],
  ['face-droop', 'One side of her face is sagging.'],
  ['one-sided-weakness', 'My left leg suddenly went numb.'],
  ['one-sided-weakness', "I can't move my right hand."],
  ['speech-trouble', "He can't get his words out."],
  ['loss-of-balance', 'I keep losing my balance and bumping into walls.'],
  ['vision-loss', 'I suddenly lost vision in my right eye.'],
  ['worst-headache', 'Worst headache I have ever had, out of nowhere.'],
  ['worst-headache', 'A sudden, excruciating headache hit me while lifting.'],
  ['stroke', 'I think my mother is having a stroke.'],
  ['seizure', 'My son had a seizure this morning for the first time.'],
  ['confusion', 'Grandpa is suddenly very confused and keeps asking where he is.'],
  ['loss-of-consciousness', 'My husband passed out in the kitchen.'],
  ['loss-of-consciousness', 'She fainted at church.'],
  ['sudden-dizziness', 'I suddenly became very dizzy.'],
  ['head-spine-injury', 'My daughter fell off her bike and hit her head.'],
  ['uncontrolled-bleeding', 'The cut on my leg won’t stop bleeding.'],
  ['coughing-blood', "I've been coughing up blood since yesterday."],
  ['vomiting-blood', 'He threw up blood twice.'],
  ['blood-in-stool', 'There was blood in my stool this morning.'],
  ['blood-in-stool', 'I have black tarry stools.'],
  ['blood-in-stool', 'My stools are black and tarry.'],
  ['persistent-vomiting', "I can't keep any fluids down."],
  ['severe-abdominal-pain', 'Severe stomach pain since noon.'],
  ['severe-abdominal-pain', 'Severe pain in the lower right side of my belly.'],
  ['sudden-severe-pain', 'Sudden tearing pain in my back.'],
  ['suicide', "I've been having suicidal thoughts."],
  ['suicidal-intent', 'I want to kill myself.'],
  ['suicidal-intent', "I'm thinking about ending it all."],
  ['suicidal-intent', 'I don’t want to be alive anymore.'],
  ['better-off-dead', 'Everyone would be better off without me.'],
  ['better-off-dead', 'Sometimes I think my kids would be better off if I was gone.'],
  ['self-harm', 'I keep thinking about hurting myself.'],
  ['overdose', 'My roommate overdosed on her pills.'],
  ['overdose', 'I took too many sleeping pills.'],
  ['cutting', 'I started cutting myself again.'],
  ['weapon', 'I keep thinking about the gun and putting it to my head.'],
  ['weapon', "I have a gun and I'm going to use it on myself."],
  ['jumping', 'I want to jump off the bridge by my house.'],
  ['hopelessness', "I can't go on like this."],
  ['hopelessness', 'I feel so hopeless and trapped.'],
  ['farewell-plan', "I've been giving away my things."],
  ['homicidal', 'I have thoughts of killing my neighbor.'],
  ['poisoning', 'My toddler drank some bleach.'],
  ['wrong-medication', 'I accidentally took my husband’s blood pressure pill.'],
  ['wrong-medication', 'I think I took a double dose of insulin.'],
  ['accident', 'I was in a car accident this morning and my neck hurts.'],
  ['deep-wound', 'I have a deep cut on my thumb that probably needs stitches.'],
  ['burn', 'I spilled boiling water and burned my arm badly.'],
  ['smoke-inhalation', 'We got out of a house fire and my son inhaled a lot of smoke.'],
  ['near-drowning', 'My daughter nearly drowned at the pool today.'],
  ['child-unresponsive', "The baby is very floppy and won't wake up for feeds."],
  ['child-cant-walk', "My son can't put any weight on his leg."],
  ['child-breathing', 'My infant is breathing really fast and grunting.'],
  ['fever-stiff-neck', 'She has a high fever and a stiff neck.'],
  ['child-not-feeding', 'My 2 month old daughter won’t take a bottle since last night.'],
];

// Negation in another clause, resolution, idioms and look-alike words must not flag.
const negatives: string[] = [
  'No chest pain but I do have a rash on my arm.',
  "I don't have chest pain.",
  "I'm not short of breath.",
  'Mild cough without any shortness of breath.',
  'Denies fever, chest pain, or shortness of breath.',
  'The shortness of breath is gone.',
  'The chest pain has resolved.',
  'I had chest pain last week but it went away.',
  'No more palpitations since I cut back on coffee.',
  'This cough is killing me.',
  "I'm dying to know my results.",
  'I could kill for a coffee right now.',
  'My feet are killing me after my shift.',
  "Stuffy nose, I can't breathe through it.",
  'Family history of stroke on my dad’s side.',
  "I'm not suicidal, just tired of this cough.",
  'I was confused by the new bill.',
  'The office is not responding to my messages.',
  'Can you shoot me an email with the form?',
  "I'm so burned out at work.",
  'What a stroke of luck that you had an opening!',
  'She has a stiff neck without any fever.',
  'My appointment is on 10/10, is that still ok?',
  "I can't go on vacation until the forms are signed.",
  'I need to update my emergency contact.',
  'Is it safe to take the pill twice a day?',
];

// The negation belongs to its own clause; the red flag after it still counts.
const mixed: [rule: string, body: string][] = [
  ['chest-pain', 'No fever but now chest pain.'],
  ['cant-breathe', "The cough went away, but I can't catch my breath."],
  ['chest-pressure', "I don't have a fever and I have chest pressure."],
  ['coughing-blood', 'Not sure if this is important but I am coughing up blood.'],
  ['chest-pain', 'The chest pain is not gone.'],
  ['chest-pain', "The chest pain hasn't gone away."],
  ['chest-pain', 'I get chest pain that goes away when I rest.'],
  ['shortness-of-breath', 'I have no fever, and I am short of breath.'],
];

describe('red-flag detection', () => {
  it.each(positives)('flags %s in "%s"', (rule, body) => {
    expect(flags(body)).toContain(rule);
  });

  it.each(negatives)('does not flag "%s"', (body) => {
    expect(flags(body)).toEqual([]);
  });

  it.each(mixed)('still flags %s when a negation governs another clause: "%s"', (rule, body) => {
    expect(flags(body)).toContain(rule);
  });

  it('covers all 53 symptom groups of DOMAIN.md §2.3 (A–H) with at least one rule', () => {
    const refs = new Set(rules.redFlags.map((r) => Number(r.ref?.match(/\d+$/)?.[0])));
    const missing = Array.from({ length: 53 }, (_, i) => i + 1).filter((n) => !refs.has(n));
    expect(missing).toEqual([]);
  });

  it('has a positive example for every red-flag rule, in this table or in the rule itself', () => {
    const tested = new Set(positives.map(([rule]) => rule));
    expect(rules.redFlags.filter((r) => !tested.has(r.name) && !r.examples?.flag?.length).map((r) => r.name)).toEqual([]);
  });

  it('scans the subject line as well as the body', () => {
    expect(flags('See subject, please call me.', 'Chest pain since noon')).toEqual(['chest-pain']);
  });

  it('sets the red-flag category and the highest priority of the rules that fired', () => {
    const r = triage({ subject: 'Refill', body: 'Please refill my inhaler, there was blood in my stool and I fainted.' }, rules);
    expect(r).toMatchObject({ category: 'red-flag', baseCategory: 'rx-refill', priority: 'stat' });
    expect(r.redFlags).toEqual(['loss-of-consciousness', 'blood-in-stool']);
  });

  it('gives see-today red flags asap rather than stat', () => {
    expect(triage({ body: 'There was blood in my stool this morning.' }, rules).priority).toBe('asap');
  });
});
