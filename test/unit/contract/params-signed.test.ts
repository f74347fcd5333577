/** A request signed by Twilio: only exactly what was signed is acted on. */
import { assertUnambiguouslySigned, GetChannelParams } from '../../../src/contract/params';
import { InvalidRequestError } from '../../../src/edge/errors';

describe('a request signed by Twilio', () => {
  it("may carry only the function's parameters, none empty, and says which", () => {
    const long = 'z'.repeat(150);
    let thrown: InvalidRequestError | undefined;
    try {
      assertUnambiguouslySigned(GetChannelParams, { interactionSid: 'x', ChannelSid: '', [long]: 'v' });
    } catch (err) {
      thrown = err as InvalidRequestError;
    }
    expect(thrown!.toJSON().details).toEqual([
      { field: 'ChannelSid', message: 'ChannelSid must not be empty in a request signed by Twilio' },
      {
        field: 'z'.repeat(100),
        message: "a request signed by Twilio may carry only this function's parameters (interactionSid, InteractionSid, channelSid, ChannelSid)",
      },
    ]);
    expect(() => assertUnambiguouslySigned(GetChannelParams, { InteractionSid: 'x', channelSid: 'y' })).not.toThrow();
  });
});
