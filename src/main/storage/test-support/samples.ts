import { EMOTIONS } from '@shared/emotions';
import type { SampleInput } from '@shared/sessions';

/** A sample whose top emotion is `emotion`. */
export function sample(faceId: number, emotion: (typeof EMOTIONS)[number], weight = 0.7): SampleInput {
  return {
    faceId,
    probabilities: EMOTIONS.map((e) => (e === emotion ? weight : (1 - weight) / 6)),
    box: { x: 0.1, y: 0.2, width: 0.3, height: 0.4 },
  };
}
