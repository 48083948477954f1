import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { topicMatches } from '../../src/core/mqtt';

describe('MQTT topic filters', () => {
  it('match as a broker matches them', () => {
    expect(topicMatches('ward/#', 'ward/alerts')).toBe(true);
    expect(topicMatches('ward/#', 'ward')).toBe(true);
    expect(topicMatches('#', 'a/b/c')).toBe(true);
    expect(topicMatches('ward/+/flows', 'ward/a/flows')).toBe(true);
    expect(topicMatches('ward/+/flows', 'ward/a/alerts')).toBe(false);
    expect(topicMatches('ward/+', 'ward/a/b')).toBe(false);
    expect(topicMatches('ward/flows', 'ward/flows')).toBe(true);
    expect(topicMatches('ward/flows', 'ward/flows/x')).toBe(false);
    expect(topicMatches('#', '$SYS/broker')).toBe(false);
  });

  it('the monitor refuses to publish its alerts where it reads flows (they would loop), before it connects', () => {
    let out = '';
    let status = 0;
    try {
      execFileSync(
        process.execPath,
        ['--import', 'tsx', 'src/cli/monitor.ts', '--mqtt', 'mqtt://127.0.0.1:1', '--topic', 'ward/#', '--alerts-topic', 'ward/alerts'],
        { stdio: 'pipe' },
      );
    } catch (e) {
      const err = e as { status: number; stderr: Buffer; stdout: Buffer };
      status = err.status;
      out = err.stderr.toString() + err.stdout.toString();
    }
    expect(status).toBe(2);
    expect(out).toMatch(/^error: Alerts published to ward\/alerts would arrive again on the feed ward\/# and be scored as flows/);
  }, 60_000);
});
