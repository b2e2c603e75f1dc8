import type { Span } from './patterns.ts';
import type { ValueName } from './rules.ts';

/**
 * Numbers a red flag can depend on, read from the normalised text: the patient's age (an infant
 * under 90 days with a fever is a red flag, an older well child is not), temperature, oxygen
 * saturation, blood pressure, glucose, heart rate, weeks of pregnancy, days since delivery. Each
 * reading keeps its span, so modifiers judge it like any finding ("if my oxygen drops below 90").
 * Lay and Spanish wording both: "my 3 week old", "bebé de 5 semanas", "temp 100.9", "38.4",
 * "pulse ox 86%", "sat de 88", "204/122", "sugar is 41", "glucosa 450", "heart rate 42".
 */

export interface Reading {
  value: ValueName;
  amount: number;
  span: Span;
}

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  un: 1, una: 1, uno: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10, once: 11, doce: 12,
};
const NUM = '(\\d+(?:\\.\\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|un|una|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce)';
const toNumber = (s: string) => NUMBER_WORDS[s] ?? Number(s);

const DAYS: Record<string, number> = { d: 1, w: 7, m: 30.4, y: 365 };
const unitDays = (unit: string) => DAYS[/^(sem|wk|we)/.test(unit) ? 'w' : /^(mo|mes)/.test(unit) ? 'm' : /^(y|an)/.test(unit) ? 'y' : 'd']!;

const BABY = '(?:baby|babies|infant|newborn|son|daughter|boy|girl|grandson|granddaughter|bebe|nino|nina|hijo|hija|nieto|nieta|nene|nena)';
const UNIT_EN = '(?:days?|weeks?|wks?|months?|mos?|years?|yrs?)';
const UNIT_ES = '(?:dias?|semanas?|mes|meses|anos?)';

interface Extractor {
  value: ValueName;
  /** False for an extractor that reads words, not numbers. */
  digits?: false;
  re: RegExp;
  read: (m: RegExpExecArray) => number | undefined;
}

const between = (lo: number, hi: number) => (n: number) => (n >= lo && n <= hi ? n : undefined);

const EXTRACTORS: Extractor[] = [
  // "2 week old", "6-week-old", "3 month old", "10 days old", "4 yo", "(2 yrs)"
  { value: 'ageDays', digits: false, re: new RegExp(`\\b${NUM}[- ]?(${UNIT_EN})[- ]?old\\b`, 'g'), read: (m) => toNumber(m[1]!) * unitDays(m[2]!) },
  { value: 'ageDays', re: new RegExp(`\\b(\\d+) ?(yo|y/o|yrs?|years?)\\b(?! ago)`, 'g'), read: (m) => Number(m[1]) * 365 },
  // "bebé de 5 semanas", "mi bebe tiene 5 semanas", "niño de 3 años", "tiene 2 meses de nacido"
  { value: 'ageDays', digits: false, re: new RegExp(`\\b${BABY}(?: \\w+)? de ${NUM} (${UNIT_ES})\\b`, 'g'), read: (m) => toNumber(m[1]!) * unitDays(m[2]!) },
  // "tiene 3 días con fiebre" is how long, not how old.
  { value: 'ageDays', digits: false, re: new RegExp(`\\b${BABY}(?: \\w+)? (?:tiene|cumplio|ya tiene) ${NUM} (${UNIT_ES})\\b(?! (con|de (fiebre|calentura|tos|estar|enferm)|sin|que|enferm))`, 'g'), read: (m) => toNumber(m[1]!) * unitDays(m[2]!) },
  { value: 'ageDays', digits: false, re: new RegExp(`\\b${NUM} (${UNIT_ES}) de (nacid[oa]|edad|vida)\\b`, 'g'), read: (m) => toNumber(m[1]!) * unitDays(m[2]!) },
  { value: 'ageDays', digits: false, re: /\b(newborn|new born|recien nacid[oa])\b/g, read: () => 14 },
  // Temperatures: a number near a temperature word, or with a degree sign or unit.
  {
    value: 'temperatureF',
    re: /\b(?:fever|temp|temperature|thermometer|reading|rectal|oral|forehead|armpit|fiebre|calentura|temperatura|termometro)(?: [a-z']+){0,4}? (?:of |at |is |was |de |es |:)?(\d{2,3}(?:\.\d+)?) ?(°|degrees?|grados)? ?(f|c)?\b/g,
    read: (m) => temperature(Number(m[1]), m[3]),
  },
  { value: 'temperatureF', re: /\b(\d{2,3}(?:\.\d+)?) ?(?:°|degrees?|grados) ?(f|c)?\b/g, read: (m) => temperature(Number(m[1]), m[2]) },
  { value: 'temperatureF', re: /\b(\d{2,3}\.\d) ?(f|c)?\b(?= ?(?:fever|temp|\(|rectal|orally|under|in (?:his|her|the) (?:ear|armpit)))/g, read: (m) => temperature(Number(m[1]), m[2]) },
  // Oxygen saturation: "pulse ox 86%", "o2 sat 88", "oxygen is at 87", "saturacion de 88"
  {
    value: 'spo2',
    re: /\b(?:oxygen|o2|0xygen|spo2|sp02|sats?|saturation|saturations|pulse ?ox(?:imeter)?|oximeter|ox|oxigeno|saturacion|oximetro)(?: (?:level|levels|sat|sats|saturation|reading|readings|number|thing|machine|monitor|meter|clip|finger|device|watch|is|was|are|were|has|have|been|keeps|staying|stays|hovering|at|of|only|just|down|dropped|dropping|to|from|says|said|showed|shows|reads|read|around|about|between|like|de|es|esta|en|me|marca|dice|sale|salio|bajo|a|the|my))*[ :]*(\d{2,3})(?: ?%| percent)?/g,
    read: (m) => between(50, 100)(Number(m[1])),
  },
  { value: 'spo2', re: /\b(\d{2,3}) ?% (?:on (?:the |my )?(?:pulse ox|oximeter)|(?:oxygen|o2|sats?|saturation|oxigeno))/g, read: (m) => between(50, 100)(Number(m[1])) },
  // Glucose: "sugar is 41", "blood sugar 450", "glucose was 38", "meter says HI"
  {
    value: 'glucose',
    digits: false,
    re: /\b(?:sugars?|glucose|bs|bg|cbg|fingerstick|finger stick|dexcom|libre|cgm|meter|azucar|glucosa|glucometro)(?: (?:level|levels|reading|readings|number|is|was|are|were|at|of|only|just|down|up|dropped|went|to|says|said|showed|shows|reads|read|around|about|like|over|under|de|es|esta|en|me|marca|dice|salio|bajo|subio|a|the|his|her|my))*[ :]*(\d{2,3}|hi|high|lo)\b/g,
    read: (m) => (m[1] === 'hi' || m[1] === 'high' ? 600 : m[1] === 'lo' ? 20 : between(10, 900)(Number(m[1]))),
  },
  // Heart rate: "heart rate 42", "pulse is 150", "hr 38", "140 bpm"; not "pulse ox".
  {
    value: 'heartRate',
    re: /\b(?:heart ?rate|hr|pulse(?! ?ox)|heartbeat|heart beat|bpm|frecuencia cardiaca|pulso|latidos)(?: (?:is|was|are|were|at|of|only|just|down|up|dropped|went|to|says|said|showed|reads|read|around|about|like|over|under|in the|de|es|esta|en|a|the|his|her|my))*[ :]*(\d{2,3})\b(?! ?%)/g,
    read: (m) => between(20, 250)(Number(m[1])),
  },
  { value: 'heartRate', re: /\b(\d{2,3}) ?(?:bpm|beats (?:a|per) minute|latidos por minuto)\b/g, read: (m) => between(20, 250)(Number(m[1])) },
  // Pregnancy: "33 weeks pregnant", "10 semanas de embarazo", "pregnant" (weeks unknown: 20).
  { value: 'pregnancyWeeks', digits: false, re: new RegExp(`\\b${NUM} ?(?:weeks?|wks?|semanas?)(?: \\w+)? (?:pregnant|along|embarazada|de embarazo|de gestacion)\\b`, 'g'), read: (m) => toNumber(m[1]!) },
  { value: 'pregnancyWeeks', digits: false, re: /\b(?:i'?m|i am|she'?s|she is|am|currently|estoy|esta|being) (?:\w+ )?(?:pregnant|embarazada)\b/g, read: () => 20 },
  // Postpartum: "had my baby 6 days ago", "gave birth 2 weeks ago", "di a luz hace 5 dias"
  {
    value: 'postpartumDays',
    digits: false,
    re: new RegExp(`\\b(?:had (?:my|the|our) baby|gave birth|delivered|birth|c-?section|delivery|di a luz|tuve (?:a )?(?:mi|el) bebe|parto|cesarea)(?: \\w+){0,2}? ${NUM} (${UNIT_EN}|${UNIT_ES}) ago\\b`, 'g'),
    read: (m) => toNumber(m[1]!) * unitDays(m[2]!),
  },
  { value: 'postpartumDays', digits: false, re: new RegExp(`\\b(?:hace) ${NUM} (${UNIT_ES}) (?:que )?(?:di a luz|tuve (?:a )?(?:mi|el) bebe|del parto|de la cesarea)\\b`, 'g'), read: (m) => toNumber(m[1]!) * unitDays(m[2]!) },
  { value: 'postpartumDays', digits: false, re: /\b(?:postpartum|post-partum|after (?:the |my )?delivery|since (?:the |my )?delivery|since giving birth|after giving birth|despues del parto|despues de dar a luz)\b/g, read: () => 14 },
];

/** °C when marked or when the number is a plausible body temperature in Celsius; °F otherwise. */
function temperature(n: number, unit: string | undefined): number | undefined {
  const f = unit === 'c' || (unit !== 'f' && n >= 34 && n <= 43) ? n * 1.8 + 32 : n;
  return f >= 93 && f <= 110 ? Math.round(f * 10) / 10 : undefined;
}

/** Blood pressure "204/122", "162 over 108": systolic and diastolic, told apart from dates and scores. */
const BP = /\b(\d{2,3}) ?(?:\/|over|sobre) ?(\d{2,3})\b(?! ?(?:pain|dolor))/g;

export function extractReadings(text: string): Reading[] {
  const out: Reading[] = [];
  // Without a digit only the worded readings can be there ("newborn", "pregnant", "meter says HI").
  const digits = /\d/.test(text);
  for (const x of EXTRACTORS) {
    if (!digits && x.digits !== false) continue;
    x.re.lastIndex = 0;
    for (let m = x.re.exec(text); m; m = x.re.exec(text)) {
      const amount = x.read(m);
      if (amount !== undefined && Number.isFinite(amount)) out.push({ value: x.value, amount, span: { start: m.index, end: m.index + m[0].length } });
    }
  }
  BP.lastIndex = 0;
  for (let m = BP.exec(text); m; m = BP.exec(text)) {
    const sys = Number(m[1]);
    const dia = Number(m[2]);
    if (sys < 70 || sys > 300 || dia < 30 || dia > 200 || dia >= sys) continue;
    const span = { start: m.index, end: m.index + m[0].length };
    out.push({ value: 'systolic', amount: sys, span }, { value: 'diastolic', amount: dia, span });
  }
  return out;
}
