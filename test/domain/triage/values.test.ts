import { describe, expect, it } from 'vitest';
import { normalize } from '../../../src/domain/triage/text.ts';
import { extractReadings } from '../../../src/domain/triage/values.ts';

const read = (text: string) => extractReadings(normalize(text)).map((r) => `${r.value}=${r.amount}`);

describe('readings from the message’s numbers', () => {
  it.each([
    ['my 2 week old feels hot', 'ageDays=14'],
    ['our 6-week-old', 'ageDays=42'],
    ['Emma (2 yrs) has a cold', 'ageDays=730'],
    ['mi bebé tiene 5 semanas', 'ageDays=35'],
    ['bebe de 1 mes', 'ageDays=30.4'],
    ['a newborn', 'ageDays=14'],
    ['thermometer says 100.9 (rectal)', 'temperatureF=100.9'],
    ['calentura de 38.4', 'temperatureF=101.1'],
    ['temp of 39 C', 'temperatureF=102.2'],
    ['pulse ox says 87%', 'spo2=87'],
    ['my oxygen is at 88', 'spo2=88'],
    ['saturación de 86', 'spo2=86'],
    ['it was 204/122', 'systolic=204'],
    ['it was 204/122', 'diastolic=122'],
    ['BP 162 over 108', 'systolic=162'],
    ["husband's sugar is 41", 'glucose=41'],
    ['the meter just says HI', 'glucose=600'],
    ['glucosa de 450', 'glucose=450'],
    ['now my heart rate is 42', 'heartRate=42'],
    ['pulse 150', 'heartRate=150'],
    ["I'm 33 weeks pregnant", 'pregnancyWeeks=33'],
    ['10 semanas de embarazo', 'pregnancyWeeks=10'],
    ['I had my baby 6 days ago', 'postpartumDays=6'],
  ])('"%s" gives %s', (text, want) => {
    expect(read(text)).toContain(want);
  });

  it.each([
    ['appointment on 11/14', 'systolic'],
    ['pain is 10/10', 'systolic'],
    ['pulse ox 97%', 'heartRate'],
    ['tiene 3 dias con fiebre', 'ageDays'], // how long, not how old
    ['I took 20 pills', 'temperatureF'],
  ])('"%s" gives no %s', (text, value) => {
    expect(read(text).filter((r) => r.startsWith(`${value}=`))).toEqual([]);
  });
});
