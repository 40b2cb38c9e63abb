/**
 * Valence and arousal from the seven emotion probabilities: one definition for the History view,
 * the SQL that aggregates samples and the CSV exports.
 */
import { EMOTIONS, type Emotion } from './emotions';

/** The emotions whose strongest probability counts against happiness in valence. */
export const NEGATIVE_EMOTIONS = ['angry', 'disgust', 'fear', 'sad'] as const satisfies readonly Emotion[];

/**
 * Each emotion's arousal on Russell's circumplex, in [-1, 1]: the pleasure-arousal-dominance
 * ratings of Russell & Mehrabian (1977) for anger, disgust, fear, joy, sadness and surprise;
 * neutral at the centre.
 */
export const AROUSAL: Readonly<Record<Emotion, number>> = {
  angry: 0.59,
  disgust: 0.35,
  fear: 0.6,
  happy: 0.51,
  sad: -0.27,
  surprise: 0.67,
  neutral: 0,
};

/**
 * Valence in [-1, 1]: the probability of happy minus that of the strongest negative emotion (angry,
 * disgust, fear, sad), as facial-expression tools such as FaceReader define it. Surprise and neutral
 * count on neither side.
 */
export function valence(probabilities: ArrayLike<number>): number {
  const index = (emotion: Emotion) => EMOTIONS.indexOf(emotion);
  return probabilities[index('happy')] - Math.max(...NEGATIVE_EMOTIONS.map((e) => probabilities[index(e)]));
}

/** An arousal estimate in [-1, 1]: the emotions' circumplex arousal weighted by their probabilities. */
export function arousal(probabilities: ArrayLike<number>): number {
  return EMOTIONS.reduce((sum, emotion, c) => sum + probabilities[c] * AROUSAL[emotion], 0);
}

/**
 * The same two measures as SQL over a row, for averages in the database. `column(emotion)` is the
 * SQL of an emotion's probability: its column, or an expression such as its calibrated value.
 */
export function valenceSql(column: (emotion: Emotion) => string = (emotion) => emotion): string {
  return `(${column('happy')} - max(${NEGATIVE_EMOTIONS.map(column).join(', ')}))`;
}

export function arousalSql(column: (emotion: Emotion) => string = (emotion) => emotion): string {
  return `(${EMOTIONS.map((emotion) => `${column(emotion)} * ${AROUSAL[emotion]}`).join(' + ')})`;
}
