/**
 * lib/channels against the fake of Twilio through the real helper: how a channel is
 * normalized, and what a missing interaction or channel is called.
 */
import { closeChannel, getChannel, listChannels, normalizeChannel } from '../../../src/adapters/channels';
import { loadConfig } from '../../../src/config';
import { NotFoundError, UpstreamError } from '../../../src/edge/errors';
import { twilioClient } from '../../../src/twilio/client';
import { startSeededFake, type Seeded } from '../../support/fake';
import { settings } from '../../support/invoke';
import * as f from '../../support/fixtures';

let s: Seeded;
beforeEach(async () => {
  s = await startSeededFake();
});
afterEach(async () => {
  await s.fake.stop();
});

const client = () => twilioClient(loadConfig(settings(s.baseUrl) as never));
const base = { sid: `UO${'1'.repeat(32)}`, interactionSid: `KD${'2'.repeat(32)}` };

describe('normalizeChannel', () => {
  it('keeps what Twilio says, and says null for what it does not', () => {
    expect(
      normalizeChannel({
        ...base,
        type: 'sms',
        status: 'failed',
        errorCode: 45000,
        errorMessage: 'boom',
        url: 'u',
        links: { participants: 'p', invites: 5 },
      }),
    ).toEqual({
      ...base,
      type: 'sms',
      status: 'failed',
      errorCode: 45000,
      errorMessage: 'boom',
      url: 'u',
      links: { participants: 'p', invites: null, transfers: null },
    });
    expect(normalizeChannel({ ...base, links: null })).toEqual({
      ...base,
      type: null,
      status: null,
      errorCode: null,
      errorMessage: null,
      url: null,
      links: { participants: null, invites: null, transfers: null },
    });
  });

  it('a channel it cannot read is an upstream error', () => {
    expect(() => normalizeChannel({ interactionSid: base.interactionSid })).toThrow(
      new UpstreamError('Twilio answered with a channel we could not read'),
    );
  });
});

describe('names in "not found"', () => {
  it('a channel, an interaction', async () => {
    const unknown = { interactionSid: f.KD_UNKNOWN, channelSid: f.UO_UNKNOWN };
    await expect(getChannel(client(), unknown)).rejects.toThrow(new NotFoundError('the channel was not found'));
    await expect(listChannels(client(), { interactionSid: f.KD_UNKNOWN, limit: 5 })).rejects.toThrow(
      new NotFoundError('the interaction was not found'),
    );
    await expect(closeChannel(client(), { ...unknown, status: 'closed' })).rejects.toThrow(new NotFoundError('the channel was not found'));
  });
});

it('a Twilio REST API it cannot reach is named in the error', async () => {
  const unreachable = twilioClient(loadConfig(settings(`http://127.0.0.1:${f.REFUSED_PORT}`) as never));
  await expect(getChannel(unreachable, { interactionSid: s.interactionSid, channelSid: s.channelSid })).rejects.toThrow(
    new UpstreamError('could not reach the Twilio REST API (ECONNREFUSED)'),
  );
});
