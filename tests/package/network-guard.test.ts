import { blockedConnections } from './network-guard.js';
import { describe, it, expect } from 'vitest';

describe('network guard', () => {
  it('blocks a connection to a non-loopback host and records it', async () => {
    const before = blockedConnections.length;
    const err = await fetch('https://developer.microsoft.com/json-schemas/teams/v1.24/MicrosoftTeams.schema.json').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(blockedConnections.slice(before).join(' ')).toMatch(/developer\.microsoft\.com|\d+\.\d+\.\d+\.\d+/);
    blockedConnections.splice(before);
  });
});
