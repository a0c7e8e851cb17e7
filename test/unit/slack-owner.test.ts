import { describe, expect, it } from 'vitest';
import { slackOwnerFromMetadata, slackOwnerOf } from '../../src/domain/slack-owner.js';

describe('slack owner in record metadata', () => {
  it('reads slack_csm_user_id from parsed metadata or from its JSON text', () => {
    expect(slackOwnerFromMetadata({ slack_csm_user_id: 'U123ABC' })).toBe('U123ABC');
    expect(slackOwnerFromMetadata('{"slack_csm_user_id":"W9Z"}')).toBe('W9Z');
  });

  it('ignores what is not a Slack user id, and metadata that is not JSON', () => {
    expect(slackOwnerFromMetadata({ slack_csm_user_id: 'someone' })).toBeNull();
    expect(slackOwnerFromMetadata('{not json')).toBeNull();
    expect(slackOwnerFromMetadata(null)).toBeNull();
  });

  it("prefers the app's own column over the metadata", () => {
    expect(slackOwnerOf({ slack_owner_id: 'U1', metadata: { slack_csm_user_id: 'U2' } })).toBe('U1');
    expect(slackOwnerOf({ slack_owner_id: null, metadata: { slack_csm_user_id: 'U2' } })).toBe('U2');
  });
});
