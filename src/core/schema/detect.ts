import { botiot } from './botiot';
import { ciciomtV1, ciciomtV2 } from './ciciomt2024';
import { ciciot2023 } from './ciciot2023';
import { cleanHeader, type Dialect, type DialectId } from './dialect';

export const KNOWN_DIALECTS: readonly Dialect[] = [ciciomtV1, ciciomtV2, ciciot2023, botiot];

export interface Detection {
  dialect: Dialect;
  confidence: number;
  /** every known dialect's confidence, best first, for "why this one" */
  candidates: { id: DialectId; confidence: number }[];
}

/** Below this a header is not taken for a known dataset. */
export const MIN_CONFIDENCE = 0.6;

/** The dialect a file is written in, judged from its header and name; null when none fits. */
export function detectDialect(rawHeader: readonly string[], fileName: string): Detection | null {
  const header = cleanHeader(rawHeader);
  const candidates = KNOWN_DIALECTS.map((dialect) => ({ dialect, confidence: dialect.detect(header, fileName) })).sort((a, b) => b.confidence - a.confidence);
  const best = candidates[0];
  if (best.confidence < MIN_CONFIDENCE) return null;
  return {
    dialect: best.dialect,
    confidence: best.confidence,
    candidates: candidates.map((c) => ({ id: c.dialect.id, confidence: round(c.confidence) })),
  };
}

export function dialectById(id: string): Dialect | undefined {
  return KNOWN_DIALECTS.find((d) => d.id === id);
}

function round(x: number) {
  return Math.round(x * 1000) / 1000;
}
